"""Stored suggestion models: the newest per coder, its facts, and loading it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.store.models import Coding, SuggestModel
from kodebog.suggest.lookup import codebook_version, coder_or_none
from kodebog.suggest.values import ModelInfo

if TYPE_CHECKING:
    from kodebog.suggest.learned import LearnedModel

MODEL_META_FORMAT = "kodebog-suggest-model/1"


def model_stamp(model_id: int, meta: dict[str, Any]) -> str:
    """Names one stored model, also across a project file deleted and made again."""
    return f"{model_id}@{meta.get('trained_at', '')}"


def model_info(model_id: int, meta: dict[str, Any], trained_at: datetime) -> ModelInfo:
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


def latest_model_row(
    session: Session, coder: str | None
) -> tuple[int, dict[str, Any], datetime] | None:
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

    found = latest_model_row(session, coder)
    if found is None:
        return None
    data = session.scalar(select(SuggestModel.data).where(SuggestModel.id == found[0]))
    return LearnedModel.from_bytes(data) if data is not None else None


def model_state(session: Session, coder: str | None = None) -> ModelInfo | None:
    """The newest stored model's facts without loading it (cheap: no spaCy), or None.

    With ``coder``, that coder's model, and ``new_codings`` counts the coder's codings made
    since it was trained.
    """
    found = latest_model_row(session, coder)
    if found is None:
        return None
    model_id, meta, trained_at = found
    info = model_info(model_id, meta, trained_at)
    new = 0
    cid = coder_or_none(session, coder) if coder is not None else None
    if cid is not None:
        new = (
            session.scalar(
                select(func.count())
                .select_from(Coding)
                .where(Coding.coder_id == cid, Coding.created_at > trained_at)
            )
            or 0
        )
    version = codebook_version(session)
    return ModelInfo(
        **{
            **asdict(info),
            "new_codings": int(new),
            "codebook_changed": version != info.codebook_version,
        }
    )
