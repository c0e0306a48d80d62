"""Suggestions in a project: training on codings, stored suggestions, the queue, accept, reject."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kodebog.coding import _log, apply_code_in
from kodebog.coding import coder_id as ensure_coder
from kodebog.errors import ProjectError
from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import (
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Participant,
    Source,
    SuggestModel,
    Unit,
    utcnow,
)
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest.types import Evidence
from kodebog.suggest.types import Suggestion as Ranked

if TYPE_CHECKING:
    from kodebog.suggest.engine import Suggester
    from kodebog.suggest.evaluate import EvaluationReport
    from kodebog.suggest.learned import LearnedModel

CHUNK = 500  # ids per IN (...) clause
CACHED_SUGGESTERS = 4  # loaded models kept in memory (one per project, codebook and model)
MODEL_META_FORMAT = "kodebog-suggest-model/1"

# (project URL, codebook sha256, model id and time, spaCy pipeline name) -> loaded Suggester
_CacheKey = tuple[str, str, str, str | None]
_cache: OrderedDict[_CacheKey, Suggester] = OrderedDict()
_cache_lock = threading.Lock()


# -- value types --


@dataclass(frozen=True)
class ModelInfo:
    """A stored suggestion model: what it learned, from how much, and when.

    ``new_codings`` (codings by the coder since training) and ``codebook_changed`` are filled
    by ``model_state``; a TUI can retrain when either says the model is behind.
    """

    id: int
    coder: str | None
    codes: list[str]  # codes the learned tier scores
    positives: dict[str, int]  # training units per learned code (with codebook examples)
    skipped: dict[str, int]  # codes with too few units to learn
    n_units: int  # training units, codebook examples included
    n_coded: int  # the coder's coded units
    n_rejected: int  # rejected suggestions used as negatives
    n_examples: int  # the codebook's examples and include texts
    trained_at: datetime
    codebook_version: int | None
    pipeline: str
    seconds: float
    new_codings: int = 0
    codebook_changed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["trained_at"] = self.trained_at.isoformat(timespec="seconds")
        return data


@dataclass(frozen=True)
class SuggestionInfo:
    """A stored suggestion: a code proposed for a unit, with the words that show why.

    Evidence offsets are into the unit's text. ``status`` is ``open`` while the coder has not
    decided (an accepted suggestion whose coding was undone is open again).
    """

    id: int
    unit_id: int
    source: str
    unit: int  # ordinal of the unit in its source
    code: str
    score: float
    tier: str  # rules, learned or both
    evidence: tuple[Evidence, ...] = ()
    status: str = "open"

    @property
    def words(self) -> list[str]:
        """The evidence words, in text order, each once."""
        return list(dict.fromkeys(e.text for e in self.evidence))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape of ``kodebog suggest --json``)."""
        return {
            "id": self.id,
            "source": self.source,
            "unit": self.unit,
            "unit_id": self.unit_id,
            "code": self.code,
            "score": round(self.score, 4),
            "tier": self.tier,
            "status": self.status,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Decision:
    """What accepting or rejecting a suggestion did."""

    suggestion_id: int
    unit_id: int
    source: str
    unit: int  # ordinal of the unit in its source
    code: str
    status: str
    event_id: int | None  # None when nothing changed
    coding_ids: tuple[int, ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class _Units:
    """Units to suggest for, and what the coder decided about them already."""

    text: dict[int, str] = field(default_factory=dict)
    where: dict[int, tuple[str, int]] = field(default_factory=dict)  # source name, ordinal
    applied: dict[int, set[str]] = field(default_factory=dict)
    rejected: dict[int, set[str]] = field(default_factory=dict)


# -- coders, codebook, settings --


def find_coder(session: Session, name: str) -> int:
    """The id of an existing coder; ProjectError naming the project's coders if none."""
    found = session.scalar(select(Coder.id).where(Coder.name == name))
    if found is None:
        names = ", ".join(session.scalars(select(Coder.name).order_by(Coder.name)))
        raise ProjectError(
            f"no coder named '{name}' in the project (its coders: {names or 'none yet'}); "
            "pass --coder NAME"
        )
    return found


def _coder_or_none(session: Session, name: str) -> int | None:
    return session.scalar(select(Coder.id).where(Coder.name == name))


def _codebook_version(session: Session) -> int | None:
    return session.scalar(select(func.max(CodebookVersion.id)))


def _codebook_sha(session: Session) -> str:
    sha = session.scalar(
        select(CodebookVersion.sha256).order_by(CodebookVersion.id.desc()).limit(1)
    )
    return sha or ""


def _stamp(model_id: int, meta: dict[str, Any]) -> str:
    """Names one stored model, also across a project file deleted and made again."""
    return f"{model_id}@{meta.get('trained_at', '')}"


def _model_name(model_name: str | None) -> str | None:
    """The spaCy pipeline to use: the one given, else the one named in the settings."""
    if model_name is not None:
        return model_name or None
    from kodebog.settings import load_settings

    return load_settings().spacy_model or None


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def check_code(session: Session, code: str) -> None:
    """ProjectError unless ``code`` is in the project's current codebook (not retired)."""
    found = session.get(Code, code)
    if found is None or found.retired:
        ids = session.scalars(
            select(Code.id).where(Code.retired.is_(False)).order_by(Code.position)
        )
        raise ProjectError(f"unknown code '{code}'; the codebook has: {', '.join(ids)}")


# -- training --


def training_data(
    session: Session, coder: str
) -> tuple[list[tuple[str, set[str]]], list[tuple[str, str]]]:
    """The coder's coded units as (text, codes) and rejected suggestions as (text, code).

    A unit counts with every code the coder applied to it (to the whole unit or a span);
    for a learned code, the coder's other coded units and the rejections are the negatives.
    Units the coder has not coded are not used; a coder new to the project has none.
    """
    cid = _coder_or_none(session, coder)
    if cid is None:
        return [], []
    coded: dict[int, tuple[str, set[str]]] = {}
    rows = session.execute(
        select(Unit.id, Unit.text, Coding.code_id)
        .join(Coding, Coding.unit_id == Unit.id)
        .where(Coding.coder_id == cid)
        .order_by(Unit.id, Coding.code_id)
    )
    for unit_id, text, code in rows:
        coded.setdefault(unit_id, (text, set()))[1].add(code)
    rejected = session.execute(
        select(Unit.text, SuggestionRow.code_id)
        .join(SuggestionRow, SuggestionRow.unit_id == Unit.id)
        .where(SuggestionRow.coder_id == cid, SuggestionRow.status == "rejected")
        .order_by(SuggestionRow.id)
    ).all()
    return list(coded.values()), [(text, code) for text, code in rejected]


def train_and_store(store: Store, coder: str, *, model_name: str | None = None) -> ModelInfo:
    """Train tier 2 on the coder's codings and rejections and store it in the project.

    While no code has enough coded units, the codebook's examples are the training data.
    Training runs outside any transaction (it takes seconds); storing the model, dropping the
    coder's older model and logging the ``suggest.train`` event are one transaction.
    Raises ProjectError when there is nothing to learn from.
    """
    from kodebog.suggest.engine import Suggester
    from kodebog.suggest.learned import bootstrap_examples

    name = _model_name(model_name)
    with store.read() as session:
        codebook = current_codebook(session)
        version = _codebook_version(session)
        sha = _codebook_sha(session)
        coded, rejected = training_data(session, coder)
    suggester = Suggester(codebook, name)
    suggester.analyzer  # noqa: B018  (loads spaCy once; not part of the training time)
    started = time.perf_counter()
    model = suggester.fit(coded, rejected)
    if model is None:
        raise ProjectError(
            f"nothing to learn from: no code has {suggester.min_examples} units coded by "
            f"'{coder}' or 2 examples in the codebook; code more units first"
        )
    seconds = time.perf_counter() - started
    blob = model.to_bytes()
    meta: dict[str, Any] = {
        "format": MODEL_META_FORMAT,
        "coder": coder,
        "codes": list(model.codes),
        "positives": dict(model.meta.positives),
        "skipped": dict(model.meta.skipped),
        "n_units": model.meta.n_units,
        "n_coded": len(coded),
        "n_rejected": len(rejected),
        "n_examples": len(bootstrap_examples(codebook)),
        "codebook_version": version,
        "pipeline": model.meta.pipeline,
        "seconds": round(seconds, 3),
    }
    trained_at = utcnow()
    meta["trained_at"] = trained_at.isoformat(timespec="microseconds")
    with store.write() as session:
        cid = ensure_coder(session, coder)
        row = SuggestModel(data=blob, meta=meta, trained_at=trained_at)
        session.add(row)
        session.flush()
        older = [
            model_id
            for model_id, old_meta in session.execute(
                select(SuggestModel.id, SuggestModel.meta).where(SuggestModel.id != row.id)
            )
            if (old_meta or {}).get("coder") == coder
        ]
        if older:
            session.execute(delete(SuggestModel).where(SuggestModel.id.in_(older)))
        logged = {k: v for k, v in meta.items() if k not in ("positives", "skipped")}
        _log(session, cid, "suggest.train", "suggest_model", row.id, None, logged)
        model_id = row.id
    _remember((_store_key(store), sha, _stamp(model_id, meta), name), suggester)
    return _info(model_id, meta, trained_at)


def _info(model_id: int, meta: dict[str, Any], trained_at: datetime) -> ModelInfo:
    if trained_at.tzinfo is None:  # SQLite keeps no zone; kodebog stores UTC
        trained_at = trained_at.replace(tzinfo=UTC)
    return ModelInfo(
        id=model_id,
        coder=meta.get("coder"),
        codes=list(meta.get("codes", [])),
        positives=dict(meta.get("positives", {})),
        skipped=dict(meta.get("skipped", {})),
        n_units=int(meta.get("n_units", 0)),
        n_coded=int(meta.get("n_coded", 0)),
        n_rejected=int(meta.get("n_rejected", 0)),
        n_examples=int(meta.get("n_examples", 0)),
        trained_at=trained_at,
        codebook_version=meta.get("codebook_version"),
        pipeline=str(meta.get("pipeline", "")),
        seconds=float(meta.get("seconds", 0.0)),
    )


def _latest_row(session: Session, coder: str | None) -> tuple[int, dict[str, Any], datetime] | None:
    """Id, metadata and time of the newest stored model (of ``coder``'s codings, if given)."""
    rows = session.execute(
        select(SuggestModel.id, SuggestModel.meta, SuggestModel.trained_at).order_by(
            SuggestModel.id.desc()
        )
    )
    for model_id, meta, trained_at in rows:
        if coder is None or (meta or {}).get("coder") == coder:
            return model_id, meta or {}, trained_at
    return None


def load_latest_model(session: Session, coder: str | None = None) -> LearnedModel | None:
    """The newest stored model (trained on ``coder``'s codings, if given), or None."""
    from kodebog.suggest.learned import LearnedModel

    found = _latest_row(session, coder)
    if found is None:
        return None
    data = session.scalar(select(SuggestModel.data).where(SuggestModel.id == found[0]))
    return LearnedModel.from_bytes(data) if data is not None else None


def model_state(session: Session, coder: str | None = None) -> ModelInfo | None:
    """The newest stored model's facts without loading it (cheap: no spaCy), or None.

    With ``coder``, that coder's model, and ``new_codings`` counts the coder's codings made
    since it was trained.
    """
    found = _latest_row(session, coder)
    if found is None:
        return None
    model_id, meta, trained_at = found
    info = _info(model_id, meta, trained_at)
    new = 0
    cid = _coder_or_none(session, coder) if coder is not None else None
    if cid is not None:
        new = (
            session.scalar(
                select(func.count())
                .select_from(Coding)
                .where(Coding.coder_id == cid, Coding.created_at > trained_at)
            )
            or 0
        )
    version = _codebook_version(session)
    return ModelInfo(
        **{
            **asdict(info),
            "new_codings": int(new),
            "codebook_changed": version != info.codebook_version,
        }
    )


def evaluate(
    store: Store,
    coder: str,
    *,
    folds: int = 5,
    seed: int = 0,
    curve: Sequence[int] = (0, 25, 50, 100, 200),
    model_name: str | None = None,
) -> EvaluationReport:
    """k-fold cross-validation of the suggestions on the coder's own codings (slow)."""
    from kodebog.suggest.engine import Suggester

    with store.read() as session:
        find_coder(session, coder)
        codebook = current_codebook(session)
        coded, _ = training_data(session, coder)
    if len(coded) < 2:
        raise ProjectError(
            f"coder '{coder}' has {'no codings' if not coded else 'coded only one unit'} in "
            "this project; cross-validation needs coded units (code some, or pass --coder)"
        )
    suggester = Suggester(codebook, _model_name(model_name))
    return suggester.evaluate(coded, k=folds, seed=seed, curve=curve)


# -- suggesting --


def _store_key(store: Store) -> str:
    return store.url.render_as_string(hide_password=True)


def _remember(key: _CacheKey, suggester: Suggester) -> None:
    with _cache_lock:
        _cache[key] = suggester
        _cache.move_to_end(key)
        while len(_cache) > CACHED_SUGGESTERS:
            _cache.popitem(last=False)


def _suggester(store: Store, session: Session, coder: str, model_name: str | None) -> Suggester:
    """The Suggester for the current codebook and the coder's newest model (cached).

    Without a stored model of the coder's own, or when it was trained with another spaCy
    pipeline, tier 2 is trained on the codebook's examples alone: another coder's model would
    carry their judgement into this coder's work.
    """
    from kodebog.errors import KodebogError
    from kodebog.suggest.engine import Suggester

    found = _latest_row(session, coder)
    stamp = _stamp(found[0], found[1]) if found else ""
    key = (_store_key(store), _codebook_sha(session), stamp, model_name)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    suggester = Suggester(current_codebook(session), model_name)
    if found is not None:
        data = session.scalar(select(SuggestModel.data).where(SuggestModel.id == found[0]))
        # trained with another pipeline, or unreadable: the codebook's examples instead
        if data is not None:
            with suppress(KodebogError):
                suggester.load_model(data)
    _remember(key, suggester)
    return suggester


def warm_up(store: Store, coder: str, *, model_name: str | None = None) -> None:
    """Load what suggesting for ``coder`` needs (pipeline, rules, model); store nothing."""
    with store.read() as session:
        suggester = _suggester(store, session, coder, _model_name(model_name))
    suggester.suggest(["Opvarmning."], 1)


def _load_units(session: Session, unit_ids: Sequence[int], cid: int | None) -> _Units:
    units = _Units()
    for chunk in _chunks(unit_ids):
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
        raise ProjectError(f"no unit with id {missing[0]}")
    return units


def suggest_for_units(
    store: Store,
    coder: str,
    unit_ids: Iterable[int],
    top_k: int = 3,
    min_score: float = 0.0,
    *,
    model_name: str | None = None,
) -> dict[int, list[SuggestionInfo]]:
    """Up to ``top_k`` codes per unit for ``coder``, best first, stored as open suggestions.

    Codes the coder applied to a unit and codes they rejected for it are never suggested.
    The stored open suggestions of these units are replaced by the new ones (a decided
    suggestion keeps its status). Never applies a code. Slow on first use (spaCy, the model):
    call from a worker thread.
    """
    ids = list(dict.fromkeys(unit_ids))
    if top_k < 1:
        raise ProjectError(f"top {top_k}: ask for at least 1 suggestion per unit")
    if not ids:
        return {}
    name = _model_name(model_name)
    with store.read() as session:
        suggester = _suggester(store, session, coder, name)
        units = _load_units(session, ids, _coder_or_none(session, coder))
    exclude = [units.applied.get(u, set()) | units.rejected.get(u, set()) for u in ids]
    ranked = suggester.suggest([units.text[u] for u in ids], top_k, min_score, exclude)
    new = dict(zip(ids, ranked, strict=True))
    for attempt in (1, 2):
        try:
            with store.write() as session:
                return _store_suggestions(session, coder, new, units)
        except IntegrityError:  # another process stored the same suggestion meanwhile
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
    for chunk in _chunks(ids):
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
            out[unit_id] = [_to_info(row, source, ordinal) for row in rows]
    return out


def _to_info(row: SuggestionRow, source: str, ordinal: int, status: str = "open") -> SuggestionInfo:
    evidence = tuple(
        Evidence(
            int(e["start"]),
            int(e["end"]),
            str(e["text"]),
            e.get("kind", "exact"),
            e.get("keyword"),
            float(e.get("weight", 0.0)),
        )
        for e in row.evidence or []
    )
    return SuggestionInfo(
        row.id, row.unit_id, source, ordinal, row.code_id, row.score, row.tier, evidence, status
    )


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


# -- the queue --


def _pending(cid: int) -> Any:
    """Suggestions of the coder not rejected whose code the coder has not applied."""
    applied = exists().where(
        Coding.unit_id == SuggestionRow.unit_id,
        Coding.code_id == SuggestionRow.code_id,
        Coding.coder_id == cid,
    )
    return (SuggestionRow.coder_id == cid) & (SuggestionRow.status != "rejected") & ~applied


def queue(
    session: Session, coder: str, code: str, limit: int | None = None
) -> list[SuggestionInfo]:
    """The coder's open suggestions of one code, best first (then by source and unit).

    Cheap (no spaCy): reads what ``suggest_for_units`` stored.
    """
    check_code(session, code)
    cid = _coder_or_none(session, coder)
    if cid is None:
        return []
    query = (
        select(SuggestionRow, Source.name, Unit.ordinal)
        .join(Unit, Unit.id == SuggestionRow.unit_id)
        .join(Source, Source.id == Unit.source_id)
        .where(_pending(cid), SuggestionRow.code_id == code)
        .order_by(SuggestionRow.score.desc(), Source.name, Unit.ordinal)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_to_info(row, source, ordinal) for row, source, ordinal in session.execute(query)]


def unit_suggestions(session: Session, coder: str, unit_id: int) -> list[SuggestionInfo]:
    """The coder's open suggestions stored for one unit, best first (cheap: no spaCy)."""
    cid = _coder_or_none(session, coder)
    if cid is None:
        return []
    query = (
        select(SuggestionRow, Source.name, Unit.ordinal)
        .join(Unit, Unit.id == SuggestionRow.unit_id)
        .join(Source, Source.id == Unit.source_id)
        .where(_pending(cid), SuggestionRow.unit_id == unit_id)
        .order_by(SuggestionRow.score.desc(), SuggestionRow.code_id)
    )
    return [_to_info(row, source, ordinal) for row, source, ordinal in session.execute(query)]


# -- decisions --


def _decision(
    session: Session,
    row: SuggestionRow,
    event_id: int | None,
    coding_ids: tuple[int, ...] = (),
    message: str = "",
) -> Decision:
    source, ordinal = session.execute(
        select(Source.name, Unit.ordinal)
        .join(Unit, Unit.source_id == Source.id)
        .where(Unit.id == row.unit_id)
    ).one()
    return Decision(
        row.id,
        row.unit_id,
        source,
        ordinal,
        row.code_id,
        row.status,
        event_id,
        coding_ids,
        message,
    )


def _owned(session: Session, coder: str, suggestion_id: int) -> tuple[int, SuggestionRow, bool]:
    """The coder's id, the suggestion, and whether the coder has its code on its unit."""
    row = session.get(SuggestionRow, suggestion_id)
    if row is None:
        raise ProjectError(f"no suggestion with id {suggestion_id}")
    cid = find_coder(session, coder)
    if row.coder_id != cid:
        owner = session.scalar(select(Coder.name).where(Coder.id == row.coder_id))
        raise ProjectError(
            f"suggestion {suggestion_id} was made for {owner or 'another coder'}, not {coder}"
        )
    applied = session.scalar(
        select(
            exists().where(
                Coding.unit_id == row.unit_id,
                Coding.code_id == row.code_id,
                Coding.coder_id == cid,
            )
        )
    )
    return cid, row, bool(applied)


def accept(store: Store, coder: str, suggestion_id: int) -> Decision:
    """Apply the suggested code to the whole unit (origin ``suggestion``) and mark it accepted.

    One transaction with two events: ``coding.apply`` (so undo removes the coding and the
    suggestion is open again) and ``suggestion.accept``.
    """
    with store.write() as session:
        cid, row, applied = _owned(session, coder, suggestion_id)
        if row.status == "accepted" and applied:
            return _decision(session, row, None, (), "already")
        change = apply_code_in(session, coder, row.unit_id, row.code_id, origin="suggestion")
        before = {"status": row.status}
        row.status = "accepted"
        session.flush()
        after = {
            "status": "accepted",
            "unit_id": row.unit_id,
            "code_id": row.code_id,
            "score": row.score,
            "tier": row.tier,
            "coding_ids": list(change.coding_ids),
        }
        event = _log(
            session,
            cid,
            "suggestion.accept",
            "suggestion",
            row.id,
            before,
            after,
            ref=change.event_id,
        )
        return _decision(session, row, event, change.coding_ids, change.message)


def reject(store: Store, coder: str, suggestion_id: int) -> Decision:
    """Mark the suggestion rejected: never suggested again for that unit and code, and a
    negative example when the model is next trained. ProjectError if the code is applied.
    """
    with store.write() as session:
        cid, row, applied = _owned(session, coder, suggestion_id)
        if row.status == "rejected":
            return _decision(session, row, None, (), "already")
        if applied:
            raise ProjectError(
                f"suggestion {suggestion_id}: you have coded the unit with '{row.code_id}'; "
                "remove the code (undo or untag) instead of rejecting it"
            )
        before = {"status": row.status}
        row.status = "rejected"
        session.flush()
        after = {"status": "rejected", "unit_id": row.unit_id, "code_id": row.code_id}
        event = _log(session, cid, "suggestion.reject", "suggestion", row.id, before, after)
        return _decision(session, row, event, (), "rejected")


def reopen(store: Store, coder: str, suggestion_id: int) -> Decision:
    """Take back a rejection: the suggestion is open again (the undo of ``reject``)."""
    with store.write() as session:
        cid, row, _ = _owned(session, coder, suggestion_id)
        if row.status != "rejected":
            return _decision(session, row, None, (), "not rejected")
        row.status = "open"
        session.flush()
        after = {"status": "open", "unit_id": row.unit_id, "code_id": row.code_id}
        event = _log(
            session, cid, "suggestion.reopen", "suggestion", row.id, {"status": "rejected"}, after
        )
        return _decision(session, row, event, (), "reopened")
