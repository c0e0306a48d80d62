"""The queue: the coder's pending suggestions, per code or per unit (cheap, no spaCy)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kodebog.store.models import Coding, Source, Unit
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest.lookup import check_code, coder_or_none, to_info
from kodebog.suggest.values import SuggestionInfo


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
    cid = coder_or_none(session, coder)
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
    return [to_info(row, source, ordinal) for row, source, ordinal in session.execute(query)]


def unit_suggestions(session: Session, coder: str, unit_id: int) -> list[SuggestionInfo]:
    """The coder's open suggestions stored for one unit, best first (cheap: no spaCy)."""
    cid = coder_or_none(session, coder)
    if cid is None:
        return []
    query = (
        select(SuggestionRow, Source.name, Unit.ordinal)
        .join(Unit, Unit.id == SuggestionRow.unit_id)
        .join(Source, Source.id == Unit.source_id)
        .where(_pending(cid), SuggestionRow.unit_id == unit_id)
        .order_by(SuggestionRow.score.desc(), SuggestionRow.code_id)
    )
    return [to_info(row, source, ordinal) for row, source, ordinal in session.execute(query)]
