"""The compare matrix's counts aggregated in SQL, and the groups: passages and cases per group.

One ``GROUP BY`` over codings joined to their unit and participant gives, per code and group,
the passages and the distinct cases (linked participants are one case); a second over the
units gives the cases in each group who could have said it. The group is a SQL expression:
the role, the source, an attribute's value (or its band, for numbers) or the valence.

This is the first matrix of a compare screen, while ``coding_table`` reads every coding once
for the matrices after it, and a one-off comparison's. The agreed coding (derived from the log,
not a condition) is always counted from the coding table.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    Text,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from kodebog.participants import INTERVIEWER, format_value, parse_number
from kodebog.store.models import Coding, Participant, Unit
from kodebog.views.scope import Scope

NONE = "(ingen)"
"""The group of units without a participant, or of participants without the value."""
NO_VALENCE = "none"
SOURCE = "source"
VALENCE = "valence"
"""The groupings that are not attributes (with ``retrieve.ROLE``)."""

Band = tuple[str, float | None, float | None]
"""A band of a number attribute: its label, and its lower (inclusive) and upper (exclusive)
bounds, None for open ends."""


def case_key() -> ColumnElement[Any]:
    """A participant's case: the linked case, else the participant itself."""
    return func.coalesce(Participant.case_key, Participant.key)


def attribute_value(name: str, dialect: str, number: bool = False) -> ColumnElement[Any]:
    """A participant's attribute as text (or as a number) in SQL.

    On SQLite a key is matched as stored, escaped or not (``forl\u00f8bsl\u00e6ngde`` when
    written by ``json.dumps``, ``forløbslængde`` by other writers): both paths are tried.
    """
    if dialect == "sqlite":
        found = func.coalesce(
            func.json_extract(Participant.attributes, literal("$." + json.dumps(name))),
            func.json_extract(Participant.attributes, literal(f'$."{name}"')))
        return cast(found, Float) if number else cast(found, String)
    value = Participant.attributes[name]
    text: ColumnElement[Any] = value.as_float() if number else value.as_string()
    return text


def group_expression(dimension: str, kind: str | None = None, bands: Sequence[Band] = (),
                     dialect: str = "sqlite") -> ColumnElement[Any]:
    """The SQL for a unit's (or coding's) group: role, source id, valence, attribute value.

    A number attribute with ``bands`` (``auto_bands``: one width, the first band starting
    at or below every value) groups by the band's position, 0 for the first: arithmetic on
    one JSON value per row, where a ``CASE`` per band read it again for every band (twice as
    slow on 300,000 codings).
    """
    from kodebog.views.retrieve import ROLE

    if dimension == ROLE:
        return func.coalesce(Participant.role, literal(NONE))
    if dimension == "source":
        return Unit.__table__.c.source_id
    if dimension == "valence":
        return func.coalesce(Coding.valence, literal(NO_VALENCE))
    if kind == "number" and bands:
        number = attribute_value(dimension, dialect, number=True)
        _label, start, end = bands[0]
        if start is None or end is None:
            raise ValueError("bands need a start and an end")
        position = (number - start) / (end - start)
        # SQLite's CAST truncates (a floor for the positions here, never negative); on
        # PostgreSQL a CAST rounds, so floor first
        index = position if dialect == "sqlite" else func.floor(position)
        return cast(index, Integer)
    return attribute_value(dimension, dialect)


def shown(raw: Any, kind: str | None) -> str:
    """A group value from SQL as the matrix shows it (numbers the Danish way)."""
    if raw is None or raw == "":
        return NONE
    if kind == "number" and not isinstance(raw, int | float):
        number = parse_number(str(raw))
        return format_value(number) if number is not None else str(raw)
    return raw if isinstance(raw, str) else format_value(raw)


def _filtered(stmt: Any, sources: list[int] | None, include_interviewers: bool) -> Any:
    if sources is not None:
        stmt = stmt.where(Unit.source_id.in_(sources))
    if not include_interviewers:
        stmt = stmt.where(or_(Participant.role.is_(None), Participant.role != INTERVIEWER))
    return stmt


def cell_counts(session: Session, group: ColumnElement[Any], scope: Scope,
                sources: list[int] | None, include_interviewers: bool
                ) -> dict[tuple[str, Any], tuple[int, int]]:
    """(code, raw group) -> (passages, distinct cases)."""
    joined = (Coding.__table__.join(Unit.__table__, Unit.id == Coding.unit_id)
              .outerjoin(Participant.__table__, Participant.id == Unit.participant_id))
    if scope.agreed is not None:
        raise ValueError("the agreed coding is counted from the coding table")
    # grouped by an expression of the code, not the column: with the column, SQLite walks
    # the (code, coder) index and visits the units in random order, three times slower than
    # scanning the codings in unit order (1.7 s against 0.55 s CPU)
    code = func.coalesce(Coding.code_id, literal(""))
    stmt = (select(code, group.label("grp"), func.count(), func.count(case_key().distinct()))
            .select_from(joined).group_by(code, group))
    if scope.coder_ids is not None:
        stmt = stmt.where(Coding.coder_id.in_(scope.coder_ids))
    stmt = _filtered(stmt, sources, include_interviewers)
    return {(code, raw): (int(n), int(people))
            for code, raw, n, people in session.connection().execute(stmt)}


def possible(session: Session, group: ColumnElement[Any] | None, sources: list[int] | None,
             include_interviewers: bool) -> dict[Any, int]:
    """Raw group -> the cases in it with a unit in the sources (who could have said it).

    With ``group`` None (a grouping of codings, not of people: valence) every case counts
    in one group, keyed None.
    """
    joined = Unit.__table__.outerjoin(Participant.__table__,
                                      Participant.id == Unit.participant_id)
    people = func.count(case_key().distinct())
    if group is None:
        stmt = _filtered(select(people).select_from(joined), sources, include_interviewers)
        return {None: int(session.connection().execute(stmt).scalar() or 0)}
    stmt = _filtered(select(group.label("grp"), people).select_from(joined).group_by(group),
                     sources, include_interviewers)
    return {raw: int(n) for raw, n in session.connection().execute(stmt)}


MAX_VALUES = 6
"""A number attribute with more distinct values than this is compared in bands."""
_STEPS = (1, 2, 5)


def auto_bands(values: Sequence[float]) -> list[Band]:
    """Round bands for a number attribute with many values; none for a few values.

    The rule: more than ``MAX_VALUES`` distinct values are split at round numbers, the band
    width the smallest of 1, 2 or 5 times a power of ten that gives at most 7 bands (ages
    18-67 give 10-19, 20-29 ... 60-69). Whole numbers are labelled ``20–29``, others
    ``2,5–<5``.
    """
    distinct = sorted(set(values))
    if len(distinct) <= MAX_VALUES:
        return []
    low, high = distinct[0], distinct[-1]
    span = high - low
    width = 1.0
    power = 10.0 ** math.floor(math.log10(span / 7)) if span > 0 else 1.0
    for factor in (1, 10):
        found = next((step * power * factor for step in _STEPS
                      if math.floor(high / (step * power * factor))
                      - math.floor(low / (step * power * factor)) + 1 <= 7), None)
        if found is not None:
            width = found
            break
    whole = all(float(v).is_integer() for v in distinct) and float(width).is_integer()
    bands: list[Band] = []
    start = math.floor(low / width) * width
    while start <= high:
        end = start + width
        bands.append((band_label(start, end, whole), start, end))
        start = end
    return bands


def band_label(low: float, high: float, whole: bool) -> str:
    """``20–29`` for whole numbers, ``2,5–<5`` otherwise."""
    if whole:
        return f"{int(low)}–{int(high) - 1}"
    return f"{format_value(float(low))}–<{format_value(float(high))}"


_BAND = re.compile(r"^\s*(-?[\d.,]+)\s*[–-]\s*(<?)\s*(-?[\d.,]+)\s*$")


def parse_band(label: str) -> tuple[float, float] | None:
    """The bounds (low inclusive, high exclusive) of a band label, or None if it is not one.

    ``20–29``, ``2,5–<5`` and negative bands (``-20–-11``, ``−20–−11``); a hyphen may stand
    for the dash.
    """
    found = _BAND.match(label.replace("−", "-"))
    if found is None:
        return None
    low, high = parse_number(found[1]), parse_number(found[3])
    if low is None or high is None:
        return None
    return float(low), float(high) if found[2] else float(high) + 1


def number_values(session: Session, name: str) -> list[float]:
    """The distinct values of a number attribute, as numbers.

    On SQLite read once per distinct set of attributes (a grouped query's plain column is
    evaluated once per group): a survey's 100,000 respondents share a few hundred.
    """
    dialect = session.get_bind().dialect.name
    value = attribute_value(name, dialect, number=True)
    if dialect == "sqlite":
        text = cast(Participant.attributes, Text)
        found = {v for _text, v in session.connection().execute(
            select(text, value).group_by(text)) if v is not None}
        return [float(v) for v in found]
    return [float(v) for v in session.connection().execute(
        select(value).where(value.is_not(None)).distinct()).scalars()]
