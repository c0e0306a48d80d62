"""Training a coder's model on their codings and storing it; cross-validating it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kodebog.coding import coder_id as ensure_coder
from kodebog.coding import log_event
from kodebog.errors import ProjectError
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
    Units the coder has not coded are not used; a coder new to the project has none.
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
    suggester = Suggester(codebook, pipeline_name(model_name))
    return suggester.evaluate(coded, k=folds, seed=seed, curve=curve)
