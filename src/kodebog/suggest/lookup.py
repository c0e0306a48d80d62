"""Small reads the suggestion service shares: coders, codes, the codebook version, rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.coding import require_code
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store.models import CodebookVersion, Coder
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest.types import Evidence
from kodebog.suggest.values import SIMILAR, SuggestionInfo

CHUNK = 500  # ids per IN (...) clause


def find_coder(session: Session, name: str) -> int:
    """The id of an existing coder; ProjectError naming the project's coders if none."""
    found = session.scalar(select(Coder.id).where(Coder.name == name))
    if found is None:
        names = ", ".join(session.scalars(select(Coder.name).order_by(Coder.name)))
        raise ProjectError(
            _("no coder named '{name}' in the project (its coders: {names}); pass --coder NAME")
            .format(name=name, names=names or _("none yet"))
        )
    return found


def coder_or_none(session: Session, name: str) -> int | None:
    return session.scalar(select(Coder.id).where(Coder.name == name))


def codebook_version(session: Session) -> int | None:
    return session.scalar(select(func.max(CodebookVersion.id)))


def codebook_sha(session: Session) -> str:
    sha = session.scalar(
        select(CodebookVersion.sha256).order_by(CodebookVersion.id.desc()).limit(1)
    )
    return sha or ""


def pipeline_name(model_name: str | None) -> str | None:
    """The spaCy pipeline to use: the one given, else the one named in the settings."""
    if model_name is not None:
        return model_name or None
    from kodebog.settings import load_settings

    return load_settings().spacy_model or None


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def check_code(session: Session, code: str) -> None:
    """ProjectError unless ``code`` is in the project's current codebook (not retired)."""
    require_code(session, code)


def to_info(row: SuggestionRow, source: str, ordinal: int, status: str = "open") -> SuggestionInfo:
    stored = list(row.evidence or [])
    similar = next((str(e["text"]) for e in stored if e.get("kind") == SIMILAR), "")
    evidence = tuple(
        Evidence(
            int(e["start"]),
            int(e["end"]),
            str(e["text"]),
            e.get("kind", "exact"),
            e.get("keyword"),
            float(e.get("weight", 0.0)),
        )
        for e in stored
        if e.get("kind") != SIMILAR
    )
    return SuggestionInfo(
        row.id,
        row.unit_id,
        source,
        ordinal,
        row.code_id,
        row.score,
        row.tier,
        evidence,
        status,
        similar,
    )
