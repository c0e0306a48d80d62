"""How the compare matrix counts: from the coding table (its groupings) or in SQL.

A screen's first matrix is counted in SQL (``compare_counts``) while its worker reads the
coding table (``coding_table``); every later one is counted from the table, with what is
worked out from it (groupings, counts, the agreed coding) kept with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from kodebog.participants import AttributeInfo, attribute_defs
from kodebog.views.coding_table import (
    CodingTable,
    Grouping,
    banded,
    load_table,
    person_values,
    profile_numbers,
)
from kodebog.views.compare_counts import (
    NO_VALENCE,
    NONE,
    SOURCE,
    VALENCE,
    Band,
    attribute_value,
    auto_bands,
    cell_counts,
    group_expression,
    number_values,
    possible,
)
from kodebog.views.retrieve import ROLE, Cache, cached
from kodebog.views.scope import Scope, coding_scope
from kodebog.views.table_memo import TableMemo

if TYPE_CHECKING:
    from kodebog.views.compare import CompareQuery

Counts = tuple[int, int]
"""Passages and distinct cases."""


def counting_scope(session: Session, query: CompareQuery, cache: Cache | None,
                   table: CodingTable | None) -> Scope:
    """The codings counted; the agreed coding worked out from ``table`` when there is one."""
    if table is not None and query.agreed:  # kept with the table it was worked out from
        return cast(Scope, cached(table.derived, ("scope", query.coders, query.agreed),
                                  partial(coding_scope, session, query.coders, query.agreed,
                                          table.codings())))
    return cast(Scope, cached(cache, ("scope", query.coders, query.agreed), partial(
        coding_scope, session, query.coders, query.agreed)))


def attribute_infos(session: Session, cache: Cache | None) -> dict[str, AttributeInfo]:
    """The attributes by name (read once per ``cache``)."""
    return cast(dict[str, AttributeInfo], cached(cache, ("attributes",), lambda: {
        info.name: info for info in attribute_defs(session)}))


def table_for(session: Session, cache: Cache | None, tables: TableMemo | None) -> CodingTable:
    """The coding table: the one ``tables`` keeps (read again if the project changed), or one
    read for ``cache``."""
    read = partial(tables.table, session) if tables is not None else partial(load_table, session)
    return cast(CodingTable, cached(cache, ("coding table",), read))


def grouping_of(session: Session, table: CodingTable, dimension: str, kind: str | None,
                bands: Sequence[Band]) -> Grouping:
    """Each coding's and place's group for ``dimension``, as the SQL group values."""
    if dimension == ROLE:
        return table.by_role(NONE)
    if dimension == SOURCE:
        return table.by_source()
    if dimension == VALENCE:
        return table.by_valence(NO_VALENCE)
    dialect = session.get_bind().dialect.name
    if kind == "number" and bands:
        _label, start, end = bands[0]
        if start is None or end is None:
            raise ValueError("bands need a start and an end")
        values, per_person = banded(_numbers(session, table, dimension), table, start,
                                    end - start)
    else:
        values, per_person = person_values(session, group_expression(dimension, kind, bands,
                                                                     dialect), table)
    return table.by_person(values, per_person, None)


def _numbers(session: Session, table: CodingTable, dimension: str) -> NDArray[np.float64]:
    return cast(NDArray[np.float64], cached(table.derived, ("numbers", dimension), lambda: (
        profile_numbers(session, attribute_value(
            dimension, session.get_bind().dialect.name, number=True), table))))


def bands_of(session: Session, dimension: str, kind: str | None, table: CodingTable | None,
             cache: Cache | None) -> list[Band]:
    """A number attribute's bands (none for few values, or for other groupings)."""
    if kind != "number":
        return []
    if table is None:
        return cast(list[Band], cached(cache, ("bands", dimension), lambda: auto_bands(
            number_values(session, dimension))))
    numbers = _numbers(session, table, dimension)
    return cast(list[Band], cached(table.derived, ("bands", dimension), lambda: auto_bands(
        [float(v) for v in np.unique(numbers[~np.isnan(numbers)])])))


def prepare_groupings(session: Session, cache: Cache, tables: TableMemo) -> None:
    """Read the coding table and work out every grouping's groups ahead (kept with it).

    The compare screen's worker calls this once its first matrix is shown, so that choosing
    another grouping only counts (tens of milliseconds) instead of also reading each
    participant's value of an attribute (about 70 ms on 100,000).
    """
    table = tables.table(session)
    infos = attribute_infos(session, cache)
    for dimension in (ROLE, SOURCE, VALENCE, *infos):
        kind = infos[dimension].kind if dimension in infos else None
        bands = bands_of(session, dimension, kind, table, cache)
        cached(table.derived, ("grouping", dimension), partial(
            grouping_of, session, table, dimension, kind, bands))


def counting_table(session: Session, query: CompareQuery, cache: Cache | None,
                   tables: TableMemo | None) -> CodingTable | None:
    """The coding table to count from; None: count in SQL (a screen's first matrix).

    A table kept (in ``tables`` or ``cache``) is used; without one, a screen (``tables``)
    counts in SQL while its worker reads the table, except for the agreed coding, which is
    always counted from the table; a one-off comparison reads the table.
    """
    table = tables.kept(session) if tables is not None else None
    if table is None and cache is not None:
        table = cache.get(("coding table",))
    if table is None and (query.agreed or tables is None):
        table = table_for(session, cache, tables)
    return table


def counts(session: Session, query: CompareQuery, scope: Scope, sources: list[int] | None,
           attribute: tuple[str | None, list[Band]], cache: Cache | None,
           table: CodingTable | None) -> tuple[dict[Any, int], dict[tuple[str, Any], Counts]]:
    """Raw group -> cases who could have said it, and (code, raw group) -> counts.

    From ``table`` (what is worked out is kept with it: the screen's cache may hold an
    older table's), or without one in SQL, one aggregate each.
    """
    dimension, include = query.dimension, query.include_interviewers
    kind, bands = attribute
    if table is None:
        group = group_expression(dimension, kind, bands, session.get_bind().dialect.name)
        who = None if dimension == VALENCE else group
        return (cached(cache, ("possible", dimension, query.sources, include),
                       partial(possible, session, who, sources, include)),
                cached(cache, ("cells", dimension, query.coders, query.agreed, query.sources,
                               include),
                       partial(cell_counts, session, group, scope, sources, include)))
    counted = table  # (named again: the lambdas below need it as a CodingTable)
    grouping = cast(Grouping, cached(table.derived, ("grouping", dimension), partial(
        grouping_of, session, counted, dimension, kind, bands)))
    return (cached(table.derived, ("possible", dimension, query.sources, include),
                   lambda: counted.possible(grouping, counted.place_mask(sources, include))),
            cached(table.derived, ("cells", dimension, query.coders, query.agreed,
                                   query.sources, include),
                   lambda: counted.cell_counts(grouping, counted.coding_mask(
                       scope, sources, include))))
