"""Training a coder's model on their codings and storing it; cross-validating it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kodebog.coding import coder_id as ensure_coder
from kodebog.coding import log_event
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import Coding, SuggestModel, Unit, utcnow
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest.cache import remember, store_key
from kodebog.suggest.lookup import (
    codebook_sha,
    codebook_version,
    coder_or_none,
    find_coder,
    pipeline_name,
)
from kodebog.suggest.stored import MODEL_META_FORMAT, model_info, model_stamp
from kodebog.suggest.values import ModelInfo

if TYPE_CHECKING:
    from kodebog.suggest.evaluate import EvaluationReport


def training_data(
    session: Session, coder: str
) -> tuple[list[tuple[str, set[str]]], list[tuple[str, str]]]:
    """The coder's coded units as (text, codes) and rejected suggestions as (text, code).

    A unit counts with every code the coder applied to it (to the whole unit or a span);
    for a learned code, the coder's other coded units and the rejections are the negatives.
    Units the coder has not coded are not used (see ``read_uncoded``); a coder new to the
    project has none.
    """
    cid = coder_or_none(session, coder)
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


def read_uncoded(session: Session, coder: str) -> list[tuple[int, str]]:
    """(id, text) of units the coder has read and left uncoded, interviewer turns left out.

    As in coder comparison: a coder has read a source up to the last unit they coded in it,
    or all of it once they marked it done. These units say "no code here": the learned tier
    learns them as negatives, so greetings and "Ingen kommentarer" stay quiet.
    """
    from kodebog.store.models import Participant, SourceStatus

    cid = coder_or_none(session, coder)
    if cid is None:
        return []
    read: dict[int, int] = dict(
        session.execute(
            select(Unit.source_id, func.max(Unit.ordinal))
            .join(Coding, Coding.unit_id == Unit.id)
            .where(Coding.coder_id == cid)
            .group_by(Unit.source_id)
        ).all()
    )
    for (source_id,) in session.execute(
        select(SourceStatus.source_id).where(SourceStatus.coder_id == cid)
    ):
        read[source_id] = 1 << 30
    coded = select(Coding.unit_id).where(Coding.coder_id == cid)
    out: list[tuple[int, str]] = []
    for source_id, last in sorted(read.items()):
        out += [
            (unit_id, text)
            for unit_id, text in session.execute(
                select(Unit.id, Unit.text)
                .outerjoin(Participant, Participant.id == Unit.participant_id)
                .where(
                    Unit.source_id == source_id,
                    Unit.ordinal <= last,
                    Unit.id.not_in(coded),
                    (Participant.role.is_(None)) | (Participant.role != "interviewer"),
                )
                .order_by(Unit.ordinal)
            )
        ]
    return out


def train_and_store(store: Store, coder: str, *, model_name: str | None = None) -> ModelInfo:
    """Train tier 2 on the coder's codings and rejections and store it in the project.

    While no code has enough coded units, the codebook's examples are the training data.
    Training runs outside any transaction (it takes seconds); storing the model, dropping the
    coder's older model and logging the ``suggest.train`` event are one transaction.
    Raises ProjectError when there is nothing to learn from.
    """
    from kodebog.suggest.engine import Suggester
    from kodebog.suggest.learned import bootstrap_examples

    name = pipeline_name(model_name)
    with store.read() as session:
        codebook = current_codebook(session)
        version = codebook_version(session)
        sha = codebook_sha(session)
        coded, rejected = training_data(session, coder)
        uncoded = read_uncoded(session, coder)
    suggester = Suggester(codebook, name)
    suggester.analyzer  # noqa: B018  (loads spaCy once; not part of the training time)
    started = time.perf_counter()
    model = suggester.fit([*coded, *((text, set()) for _, text in uncoded)], rejected)
    if model is None:
        raise ProjectError(
            _("nothing to learn from: no code has {n} units coded by '{coder}' or 2 examples "
              "in the codebook; code more units first").format(
                n=suggester.min_examples, coder=coder)
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
        "n_uncoded": len(uncoded),
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
        log_event(session, cid, "suggest.train", "suggest_model", row.id, None, logged)
        model_id = row.id
    remember((store_key(store), sha, model_stamp(model_id, meta), name), suggester)
    return model_info(model_id, meta, trained_at)


def evaluate(
    store: Store,
    coder: str,
    *,
    folds: int = 5,
    seed: int = 0,
    curve: Sequence[int] = (0, 25, 50, 100, 200),
    model_name: str | None = None,
    semantic: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationReport:
    """k-fold cross-validation of the suggestions on the coder's own codings (slow).

    The units the coder read and left uncoded (``read_uncoded``) take part with no codes.
    With the semantic tier on (``semantic`` None: installed and not switched off), units
    without a stored vector are embedded first (``progress(done, total)`` after each batch)
    and the tier is evaluated alone and fused.
    """
    from kodebog.suggest.engine import Suggester
    from kodebog.suggest.semantic_state import available, enabled, state_line

    with store.read() as session:
        find_coder(session, coder)
        codebook = current_codebook(session)
        coded, _rejected = training_data(session, coder)
        coded_ids = _coded_ids(session, coder)
        uncoded = read_uncoded(session, coder)
    if len(coded) < 2:
        problem = (
            _("coder '{coder}' has no codings in this project; cross-validation needs coded "
              "units (code some, or pass --coder)") if not coded
            else _("coder '{coder}' has coded only one unit in this project; cross-validation "
                   "needs coded units (code some, or pass --coder)")
        )
        raise ProjectError(problem.format(coder=coder))
    units = [*coded, *((text, set[str]()) for _, text in uncoded)]
    ids = [*coded_ids, *(u for u, _ in uncoded)]
    suggester = Suggester(codebook, pipeline_name(model_name))
    on = enabled() if semantic is None else semantic and available()
    if not on:
        return suggester.evaluate(
            units, k=folds, seed=seed, curve=curve, semantic_label=state_line(semantic)
        )
    import numpy as np

    from kodebog.suggest.embeddings import codebook_vectors, ensure_unit_vectors
    from kodebog.suggest.semantic import get_embedder

    embedder = get_embedder()
    texts = dict(zip(ids, (t for t, _ in units), strict=True))
    found = ensure_unit_vectors(store, embedder, ids, texts, progress=progress)
    return suggester.evaluate(
        units,
        k=folds,
        seed=seed,
        curve=curve,
        vectors=np.vstack([found[u] for u in ids]),
        passages=codebook_vectors(store, embedder, codebook),
        semantic_label=embedder.name,
    )


def _coded_ids(session: Session, coder: str) -> list[int]:
    """Ids of the coder's coded units, in ``training_data`` order."""
    cid = coder_or_none(session, coder)
    return list(
        session.scalars(
            select(Unit.id)
            .join(Coding, Coding.unit_id == Unit.id)
            .where(Coding.coder_id == cid)
            .group_by(Unit.id)
            .order_by(Unit.id)
        )
    )
