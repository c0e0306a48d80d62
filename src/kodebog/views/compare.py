"""Compare groups: codes x groups (role, an attribute, or source) and code x code co-occurrence.

A cell counts passages (codings of the chosen coders) and distinct participants (cases) who
said them, out of the cases in the group who could have: everyone with a unit in the chosen
sources. Interviewers are left out of every count unless asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.agreed import AgreedCoding
from kodebog.errors import ProjectError
from kodebog.i18n import _, formats
from kodebog.participants import ROLES, parse_number
from kodebog.store.models import Code, Source
from kodebog.views.compare_counts import (
    MAX_VALUES,
    NO_VALENCE,
    NONE,
    SOURCE,
    VALENCE,
    parse_band,
    shown,
)
from kodebog.views.compare_groups import (
    attribute_infos,
    bands_of,
    counting_scope,
    counting_table,
    counts,
    prepare_groupings,
    table_for,
)
from kodebog.views.retrieve import (
    ROLE,
    Cache,
    Person,
    RetrieveQuery,
    _source_ids,
    cached,
    check_codes,
)
from kodebog.views.table_memo import TableMemo

__all__ = ["COOCCURRENCE", "SOURCE", "VALENCE", "Cell", "CompareQuery", "Matrix", "compare",
           "cooccurrence", "prepare_groupings", "valence_labels"]

VALENCES = ("positive", "negative", "mixed", NO_VALENCE)
COOCCURRENCE = "cooccurrence"


@dataclass(frozen=True)
class CompareQuery:
    """What to compare: the grouping (``role``, ``source`` or an attribute name) and filters."""

    dimension: str = ROLE
    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    include_interviewers: bool = False
    agreed: bool = False
    """Count the agreed coding of ``coders`` (none: every coder but the consensus coder)."""


@dataclass(frozen=True)
class Cell:
    """Passages and distinct participants in one cell, and the group's participants."""

    passages: int = 0
    people: int = 0
    of: int = 0

    @property
    def share(self) -> float | None:
        """Participants who said it, out of those who could have (None without any)."""
        return self.people / self.of if self.of else None

    def text(self) -> str:
        """``12 · 5/9``: passages, then participants out of the group."""
        if not self.passages and not self.of:
            return "–"
        passages, people = formats.number(self.passages), formats.number(self.people)
        return (f"{passages} · {people}/{formats.number(self.of)}" if self.of
                else f"{passages} · {people}")


@dataclass
class Matrix:
    """Rows (codes) by columns (groups or codes), cells keyed (row, column)."""

    title: str
    dimension: str
    rows: list[tuple[str, str]]  # code id, label
    columns: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    denominators: dict[str, int] = field(default_factory=dict)
    query: CompareQuery = field(default_factory=CompareQuery)
    column_labels: dict[str, str] = field(default_factory=dict)
    agreed: AgreedCoding | None = None
    """The agreed coding counted, when the query asked for it."""
    note: str = ""
    """How the groups were made, when that needs saying (bands of a number attribute)."""

    def column_label(self, column: str) -> str:
        """A column as shown: a group's value, or a code's label."""
        if column == NONE and column not in self.column_labels:
            return _("(none)")
        return self.column_labels.get(column, column)

    def cell(self, row: str, column: str) -> Cell:
        """The cell, empty if nothing was counted there."""
        return self.cells.get((row, column), Cell(0, 0, self.denominators.get(column, 0)))

    def retrieve_query(self, row: str, column: str) -> RetrieveQuery:
        """The retrieve query that lists a cell's passages."""
        base = RetrieveQuery((row,), coders=self.query.coders, sources=self.query.sources,
                             agreed=self.query.agreed)
        if self.dimension == COOCCURRENCE:
            return replace(base, and_codes=() if row == column else (column,))
        if column == NONE and self.dimension != VALENCE:
            return base
        if self.dimension == SOURCE:
            return replace(base, sources=(column,))
        if self.dimension == ROLE:
            return replace(base, roles=(column,))
        if self.dimension == VALENCE:
            return replace(base, valences=(column,))
        return replace(base, where=((self.dimension, column),))

    def sheet_rows(self) -> list[list[Any]]:
        """Header and rows for a spreadsheet: passages, participants and the share per group."""
        header: list[Any] = [_("code")]
        for column in self.columns:
            name = self.column_label(column)
            header += [_("{group}: passages").format(group=name),
                       _("{group}: participants").format(group=name),
                       _("{group}: of").format(group=name),
                       _("{group}: share").format(group=name)]
        rows: list[list[Any]] = [header]
        for code, label in self.rows:
            row: list[Any] = [label]
            for column in self.columns:
                cell = self.cell(code, column)
                row += [cell.passages, cell.people, cell.of, cell.share]
            rows.append(row)
        return rows


def _codes(session: Session, codes: Sequence[str]) -> list[tuple[str, str]]:
    if codes:
        check_codes(session, codes)
        labels = dict(session.execute(select(Code.id, Code.label)).all())
        return [(code, labels[code]) for code in codes]
    return [(code, label) for code, label in session.execute(
        select(Code.id, Code.label).where(Code.retired.is_(False)).order_by(Code.position))]


def _order(columns: set[str], dimension: str, numeric: bool) -> list[str]:
    present = sorted(columns - {NONE})
    if dimension == ROLE:
        present = [r for r in ROLES if r in columns] + [r for r in present if r not in ROLES]
    elif dimension == VALENCE:
        present = [v for v in VALENCES if v in columns]
    elif numeric:
        def position(value: str) -> float:
            band = parse_band(value)
            return band[0] if band is not None else float(parse_number(value) or 0)

        present.sort(key=position)
    return present + ([NONE] if NONE in columns else [])


def compare(session: Session, query: CompareQuery,
            people: Mapping[int, Person] | None = None, cache: Cache | None = None,
            tables: TableMemo | None = None) -> Matrix:
    """Codes x groups: passages, distinct participants and the group's participants.

    Counted in numpy from the codings read once (``coding_table``): kept in ``tables`` while
    the project is unchanged, or in ``cache``. A screen passes ``tables``: its first matrix,
    before a table is kept, is counted in SQL (``compare_counts``) while a worker reads the
    table. ``people`` is not needed and kept for callers that pass it. With a ``cache``, a
    grouping already computed is not computed again.
    """
    table = counting_table(session, query, cache, tables)
    scope = counting_scope(session, query, cache, table)
    sources = _source_ids(session, query.sources)
    infos = attribute_infos(session, cache)
    dimension = query.dimension
    if dimension not in (ROLE, SOURCE, VALENCE) and dimension not in infos:
        raise ProjectError(_("no attribute '{name}' to compare by; choose role, source, "
                             "valence or one of: {known}").format(
            name=dimension, known=", ".join(info.label for info in infos.values())
            or _("no attributes yet")))
    kind = infos[dimension].kind if dimension in infos else None
    bands = bands_of(session, dimension, kind, table, cache)
    names: dict[Any, str] = {}
    if dimension == SOURCE:
        names = {sid: str(name) for sid, name in session.execute(select(Source.id, Source.name))}

    def column(raw: Any) -> str:
        if dimension == SOURCE:
            return names.get(raw, NONE)
        if bands:  # a band's position
            return bands[int(raw)][0] if raw is not None and 0 <= int(raw) < len(bands) else NONE
        return shown(raw, kind)

    could, counted = counts(session, query, scope, sources, (kind, bands), cache, table)
    denominators: dict[str, int] = defaultdict(int)
    columns: set[str] = set()
    if dimension == VALENCE:
        columns = set(VALENCES)
        denominators = defaultdict(int, {name: could.get(None, 0) for name in VALENCES})
    else:
        for raw, n in could.items():
            denominators[column(raw)] += n
            columns.add(column(raw))
    if dimension != SOURCE:
        columns.discard(NONE)  # shown below only if something was said there
    rows = _codes(session, query.codes)
    wanted = {code for code, _label in rows}
    cells: dict[tuple[str, str], list[int]] = {}
    for (code, raw), (n, said) in counted.items():
        if code not in wanted:
            continue
        key = (code, column(raw))
        columns.add(key[1])
        found = cells.setdefault(key, [0, 0])
        found[0] += n
        found[1] += said
    label = {ROLE: _("role"), SOURCE: _("source"), VALENCE: _("valence")}.get(dimension) or (
        infos[dimension].label)
    matrix = Matrix(_("codes × {group}").format(group=label), dimension, rows,
                    _order(columns, dimension, kind == "number"),
                    denominators=dict(denominators), query=query, agreed=scope.agreed)
    if dimension == VALENCE:
        matrix.column_labels = valence_labels()
    if bands:
        matrix.note = _("{label} in bands {first}, {second} … (more than {n} different values "
                        "are split at round numbers)").format(
            label=label, first=bands[0][0], second=bands[1][0] if len(bands) > 1 else "",
            n=MAX_VALUES)
    for key, (n, said) in cells.items():
        matrix.cells[key] = Cell(n, said, denominators.get(key[1], 0))
    return matrix


def valence_labels() -> dict[str, str]:
    """Valence -> how a column or a filter shows it."""
    return {"positive": _("+ works well"), "negative": _("− works less well"),
            "mixed": _("± mixed"), NO_VALENCE: _("no valence")}


def cooccurrence(session: Session, query: CompareQuery,
                 people: Mapping[int, Person] | None = None,
                 cache: Cache | None = None, tables: TableMemo | None = None) -> Matrix:
    """Code x code: units coded with both (passages of the row code on them) and cases.

    Counted in numpy like ``compare``; ``people`` is not needed and kept for callers.
    """
    table = table_for(session, cache, tables)
    scope = counting_scope(session, query, cache, table)
    sources = _source_ids(session, query.sources)
    rows = _codes(session, query.codes)
    wanted = [table.codes.index(code) for code, _label in rows if code in table.codes]
    counted = cached(table.derived, ("cooccurrence", query.coders, query.agreed, query.sources,
                             query.include_interviewers, tuple(wanted)),
                     lambda: table.cooccurrence(
                         table.coding_mask(scope, sources, query.include_interviewers)
                         & np.isin(table.code, np.array(wanted, dtype=np.int64))))
    matrix = Matrix(_("code × code (units with both)"), COOCCURRENCE, rows,
                    [code for code, _label in rows], query=query, column_labels=dict(rows),
                    agreed=scope.agreed)
    for (a, b), (count, cases) in counted.items():
        matrix.cells[(a, b)] = Cell(count, cases, 0)
    return matrix
