"""Suggestions for units: rank them, store them as open suggestions, never code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kodebog.coding import coder_id as ensure_coder
from kodebog.errors import ConflictError, ProjectError
from kodebog.i18n import _
from kodebog.store import Store
from kodebog.store.models import Coding, Participant, Source, Unit, utcnow
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest.cache import suggester_for
from kodebog.suggest.follow import follow_codebook
from kodebog.suggest.lookup import chunks, coder_or_none, pipeline_name, to_info
from kodebog.suggest.spaces import semantic_inputs
from kodebog.suggest.types import Suggestion as Ranked
from kodebog.suggest.values import SIMILAR, SuggestionInfo


@dataclass
class _Units:
    """Units to suggest for, and what the coder decided about them already."""

    text: dict[int, str] = field(default_factory=dict)
    where: dict[int, tuple[str, int]] = field(default_factory=dict)  # source name, ordinal
    applied: dict[int, set[str]] = field(default_factory=dict)
    rejected: dict[int, set[str]] = field(default_factory=dict)


def _load_units(session: Session, unit_ids: Sequence[int], cid: int | None) -> _Units:
    units = _Units()
    for chunk in chunks(unit_ids):
        rows = session.execute(
            select(Unit.id, Unit.text, Source.name, Unit.ordinal)
            .join(Source, Source.id == Unit.source_id)
            .where(Unit.id.in_(chunk))
        )
        for unit_id, text, source, ordinal in rows:
            units.text[unit_id] = text
            units.where[unit_id] = (source, ordinal)
        if cid is None:
            continue
        for unit_id, code in session.execute(
            select(Coding.unit_id, Coding.code_id).where(
                Coding.coder_id == cid, Coding.unit_id.in_(chunk)
            )
        ):
            units.applied.setdefault(unit_id, set()).add(code)
        for unit_id, code in session.execute(
            select(SuggestionRow.unit_id, SuggestionRow.code_id).where(
                SuggestionRow.coder_id == cid,
                SuggestionRow.status == "rejected",
                SuggestionRow.unit_id.in_(chunk),
            )
        ):
            units.rejected.setdefault(unit_id, set()).add(code)
    missing = [u for u in unit_ids if u not in units.text]
    if missing:
        raise ProjectError(_("no unit with id {id}").format(id=missing[0]))
    return units


def suggest_for_units(
    store: Store,
    coder: str,
    unit_ids: Iterable[int],
    top_k: int = 3,
    min_score: float = 0.0,
    *,
    model_name: str | None = None,
    semantic: bool | None = None,
) -> dict[int, list[SuggestionInfo]]:
    """Up to ``top_k`` codes per unit for ``coder``, best first, stored as open suggestions.

    Codes the coder applied to a unit and codes they rejected for it are never suggested.
    When the codebook's codes changed since the coder's model was trained, it is trained
    again first (``follow.follow_codebook``; once per codebook change).
    ``semantic`` switches the semantic tier (None: on when installed and not switched off);
    units without a stored vector are embedded first.
    The stored open suggestions of these units are replaced by the new ones (a decided
    suggestion keeps its status). Never applies a code. Slow on first use (spaCy, the model):
    call from a worker thread.
    """
    ids = list(dict.fromkeys(unit_ids))
    if top_k < 1:
        raise ProjectError(_("top {k}: ask for at least 1 suggestion per unit").format(k=top_k))
    if not ids:
        return {}
    follow_codebook(store, coder, model_name=model_name)  # a model behind the codebook
    name = pipeline_name(model_name)
    with store.read() as session:
        suggester = suggester_for(store, session, coder, name)
        units = _load_units(session, ids, coder_or_none(session, coder))
    exclude = [units.applied.get(u, set()) | units.rejected.get(u, set()) for u in ids]
    space, vectors = semantic_inputs(store, coder, ids, units.text, semantic)
    ranked = suggester.suggest(
        [units.text[u] for u in ids], top_k, min_score, exclude, vectors=vectors, space=space
    )
    new = dict(zip(ids, ranked, strict=True))
    for attempt in (1, 2):
        try:
            with store.write() as session:
                return _store_suggestions(session, coder, new, units)
        except (IntegrityError, ConflictError):  # another process stored the same ones
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_suggestions(
    session: Session, coder: str, new: dict[int, list[Ranked]], units: _Units
) -> dict[int, list[SuggestionInfo]]:
    """Upsert the new suggestions; drop open ones no longer suggested; skip decided ones."""
    cid = ensure_coder(session, coder)
    ids = list(new)
    out: dict[int, list[SuggestionInfo]] = {u: [] for u in ids}
    for chunk in chunks(ids):
        existing = {
            (row.unit_id, row.code_id): row
            for row in session.scalars(
                select(SuggestionRow).where(
                    SuggestionRow.coder_id == cid, SuggestionRow.unit_id.in_(chunk)
                )
            )
        }
        applied = {
            (unit_id, code)
            for unit_id, code in session.execute(
                select(Coding.unit_id, Coding.code_id).where(
                    Coding.coder_id == cid, Coding.unit_id.in_(chunk)
                )
            )
        }
        stored: dict[int, list[SuggestionRow]] = {}
        for unit_id in chunk:
            for s in new[unit_id]:
                key = (unit_id, s.code)
                evidence = [e.to_dict() for e in s.evidence]
                if s.similar:  # the semantic tier's nearest passage, not a span of the unit
                    evidence.append({"kind": SIMILAR, "text": s.similar, "start": 0, "end": 0})
                row = existing.pop(key, None)
                if row is None:
                    row = SuggestionRow(
                        unit_id=unit_id,
                        code_id=s.code,
                        coder_id=cid,
                        score=float(s.score),
                        tier=s.tier,
                        evidence=evidence,
                        status="open",
                    )
                    session.add(row)
                elif row.status == "rejected" or key in applied:
                    continue  # decided meanwhile
                else:
                    row.score, row.tier, row.evidence = float(s.score), s.tier, evidence
                    row.status, row.created_at = "open", utcnow()
                stored.setdefault(unit_id, []).append(row)
        stale = [
            row.id
            for key, row in existing.items()
            if row.status != "rejected" and key not in applied
        ]
        if stale:
            session.execute(delete(SuggestionRow).where(SuggestionRow.id.in_(stale)))
        session.flush()
        for unit_id, rows in stored.items():
            source, ordinal = units.where[unit_id]
            out[unit_id] = [to_info(row, source, ordinal) for row in rows]
    return out


def units_to_suggest(
    session: Session, sources: Sequence[str] | None = None, *, skip_interviewer: bool = True
) -> list[int]:
    """Ids of the units of ``sources`` (default: all), in source and unit order.

    Interviewer turns are left out unless ``skip_interviewer`` is false.
    """
    from kodebog.queries import find_source

    query = (
        select(Unit.id)
        .join(Source, Source.id == Unit.source_id)
        .outerjoin(Participant, Participant.id == Unit.participant_id)
        .order_by(Source.name, Unit.ordinal)
    )
    if sources:
        query = query.where(Source.id.in_([find_source(session, s).id for s in sources]))
    if skip_interviewer:
        query = query.where((Participant.role.is_(None)) | (Participant.role != "interviewer"))
    return list(session.scalars(query))
