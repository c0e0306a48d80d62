"""Compare groups: codes x groups (role, an attribute, or source) and code x code co-occurrence.

A cell counts passages (codings of the chosen coders) and distinct participants (cases) who
said them, out of the cases in the group who could have: everyone with a unit in the chosen
sources. Interviewers are left out of every count unless asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.participants import INTERVIEWER, ROLES, attribute_defs, format_value
from kodebog.store.models import Code, Coding, Source, Unit
from kodebog.views.retrieve import (
    ROLE,
    Cache,
    Person,
    RetrieveQuery,
    _coder_ids,
    _source_ids,
    cached,
    check_codes,
    load_people,
)

SOURCE = "source"
COOCCURRENCE = "cooccurrence"
NONE = "(ingen)"
"""The group of units without a participant, or of participants without the attribute."""


@dataclass(frozen=True)
class CompareQuery:
    """What to compare: the grouping (``role``, ``source`` or an attribute name) and filters."""

    dimension: str = ROLE
    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    include_interviewers: bool = False


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
        return f"{self.passages} · {self.people}/{self.of}" if self.of else (
            f"{self.passages} · {self.people}")


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

    def column_label(self, column: str) -> str:
        """A column as shown: a group's value, or a code's label."""
        return self.column_labels.get(column, column)

    def cell(self, row: str, column: str) -> Cell:
        """The cell, empty if nothing was counted there."""
        return self.cells.get((row, column), Cell(0, 0, self.denominators.get(column, 0)))

    def retrieve_query(self, row: str, column: str) -> RetrieveQuery:
        """The retrieve query that lists a cell's passages."""
        base = RetrieveQuery((row,), coders=self.query.coders, sources=self.query.sources)
        if self.dimension == COOCCURRENCE:
            return RetrieveQuery((row,), and_codes=() if row == column else (column,),
                                 coders=self.query.coders, sources=self.query.sources)
        if column == NONE:
            return base
        if self.dimension == SOURCE:
            return RetrieveQuery((row,), coders=self.query.coders, sources=(column,))
        if self.dimension == ROLE:
            return RetrieveQuery((row,), coders=self.query.coders, sources=self.query.sources,
                                 roles=(column,))
        return RetrieveQuery((row,), coders=self.query.coders, sources=self.query.sources,
                             where=((self.dimension, column),))

    def sheet_rows(self) -> list[list[Any]]:
        """Header and rows for a spreadsheet: passages, participants and the share per group."""
        header: list[Any] = ["kode"]
        for column in self.columns:
            name = self.column_label(column)
            header += [f"{name}: passager", f"{name}: deltagere", f"{name}: af",
                       f"{name}: andel"]
        rows: list[list[Any]] = [header]
        for code, label in self.rows:
            row: list[Any] = [label]
            for column in self.columns:
                cell = self.cell(code, column)
                row += [cell.passages, cell.people, cell.of, cell.share]
            rows.append(row)
        return rows


def dimensions(session: Session) -> list[tuple[str, str]]:
    """The groupings on offer: (dimension, label)."""
    found = [(ROLE, "rolle"), (SOURCE, "kilde")]
    found += [(info.name, info.label) for info in attribute_defs(session)]
    return found


def _codes(session: Session, codes: Sequence[str]) -> list[tuple[str, str]]:
    if codes:
        check_codes(session, codes)
        labels = dict(session.execute(select(Code.id, Code.label)).all())
        return [(code, labels[code]) for code in codes]
    return [(code, label) for code, label in session.execute(
        select(Code.id, Code.label).where(Code.retired.is_(False)).order_by(Code.position))]


def _group_of(person: Person | None, dimension: str) -> str:
    if person is None:
        return NONE
    if dimension == ROLE:
        return person.role or NONE
    value = person.attributes.get(dimension)
    return format_value(value) if value is not None and value != "" else NONE


def _order(columns: set[str], dimension: str, numeric: bool) -> list[str]:
    present = sorted(columns - {NONE})
    if dimension == ROLE:
        present = [r for r in ROLES if r in columns] + [r for r in present if r not in ROLES]
    elif numeric:
        from kodebog.participants import parse_number

        present.sort(key=lambda v: parse_number(v) or 0)
    return present + ([NONE] if NONE in columns else [])


def compare(session: Session, query: CompareQuery,
            people: Mapping[int, Person] | None = None, cache: Cache | None = None) -> Matrix:
    """Codes x groups: passages, distinct participants and the group's participants.

    With a ``cache`` the counts per code and participant are read once per coders and
    sources: another grouping is then computed without reading the project again.
    """
    coders = _coder_ids(session, query.coders)
    sources = _source_ids(session, query.sources)
    if people is None:
        people = load_people(session)
    infos = {info.name: info for info in attribute_defs(
        session, [p.attributes for p in people.values()])}
    if query.dimension not in (ROLE, SOURCE) and query.dimension not in infos:
        raise ProjectError(f"no attribute '{query.dimension}' to compare by; choose role, "
                           f"source or one of: {', '.join(infos) or 'no attributes yet'}")
    names = dict(session.execute(select(Source.id, Source.name)).all())
    skip = set() if query.include_interviewers else {
        pid for pid, p in people.items() if (p.role or "") == INTERVIEWER}
    groups = {pid: _group_of(person, query.dimension) for pid, person in people.items()}
    cases = {pid: person.case for pid, person in people.items()}
    by_source = query.dimension == SOURCE

    def group(source_id: int, pid: int | None) -> str:
        if by_source:
            return str(names[source_id])
        return groups.get(pid, NONE) if pid is not None else NONE

    # who could have said it: every case with a unit, per group
    possible: dict[str, set[str]] = {}
    unit_people = select(Unit.source_id, Unit.participant_id).distinct()
    if sources is not None:
        unit_people = unit_people.where(Unit.source_id.in_(sources))
    columns: set[str] = set()
    scope = (query.coders, query.sources)
    for source_id, pid in cached(cache, ("unit_people", query.sources),
                                 lambda: list(session.execute(unit_people))):
        if pid in skip:
            continue
        name = group(source_id, pid)
        if pid is not None or query.dimension == SOURCE:
            columns.add(name)
        if pid is not None:
            possible.setdefault(name, set()).add(cases[pid])
    rows = _codes(session, query.codes)
    wanted = {code for code, _ in rows}
    counted = (select(Coding.code_id, Unit.source_id, Unit.participant_id, func.count())
               .join(Unit, Unit.id == Coding.unit_id)
               .group_by(Coding.code_id, Unit.source_id, Unit.participant_id))
    if coders is not None:
        counted = counted.where(Coding.coder_id.in_(coders))
    if sources is not None:
        counted = counted.where(Unit.source_id.in_(sources))
    passages: dict[tuple[str, str], int] = {}
    said: dict[tuple[str, str], set[str]] = {}
    for code, source_id, pid, count in cached(cache, ("counts", *scope),
                                              lambda: list(session.execute(counted))):
        if pid in skip or code not in wanted:
            continue
        name = group(source_id, pid)
        columns.add(name)
        passages[(code, name)] = passages.get((code, name), 0) + count
        if pid is not None:
            said.setdefault((code, name), set()).add(cases[pid])
    denominators = {name: len(cases) for name, cases in possible.items()}
    numeric = query.dimension in infos and infos[query.dimension].kind == "number"
    label = {ROLE: "rolle", SOURCE: "kilde"}.get(query.dimension) or (
        infos[query.dimension].label)
    matrix = Matrix(f"koder × {label}", query.dimension, rows,
                    _order(columns, query.dimension, numeric), denominators=denominators,
                    query=query)
    for key, count in passages.items():
        matrix.cells[key] = Cell(count, len(said.get(key, ())), denominators.get(key[1], 0))
    return matrix


def cooccurrence(session: Session, query: CompareQuery,
                 people: Mapping[int, Person] | None = None,
                 cache: Cache | None = None) -> Matrix:
    """Code x code: units coded with both (passages of the row code on them) and cases."""
    coders = _coder_ids(session, query.coders)
    sources = _source_ids(session, query.sources)
    rows = _codes(session, query.codes)
    wanted = {code for code, _ in rows}
    if people is None:
        people = load_people(session)
    skip = set() if query.include_interviewers else {
        pid for pid, p in people.items() if (p.role or "") == INTERVIEWER}
    stmt = (select(Coding.unit_id, Coding.code_id, Unit.participant_id)
            .join(Unit, Unit.id == Coding.unit_id).distinct())
    if coders is not None:
        stmt = stmt.where(Coding.coder_id.in_(coders))
    if sources is not None:
        stmt = stmt.where(Unit.source_id.in_(sources))
    by_unit: dict[int, tuple[set[str], int | None]] = {}
    for unit_id, code, pid in cached(cache, ("unit_codes", query.coders, query.sources),
                                     lambda: list(session.execute(stmt))):
        if pid in skip or code not in wanted:
            continue
        found = by_unit.get(unit_id)
        if found is None:
            by_unit[unit_id] = ({code}, pid)
        else:
            found[0].add(code)
    units: dict[tuple[str, str], int] = {}
    cases: dict[tuple[str, str], set[str]] = {}
    for codes, pid in by_unit.values():
        person = people.get(pid) if pid is not None else None
        case = person.case if person is not None else None
        for a in codes:
            for b in codes:
                units[(a, b)] = units.get((a, b), 0) + 1
                if case is not None:
                    cases.setdefault((a, b), set()).add(case)
    matrix = Matrix("kode × kode (enheder med begge)", COOCCURRENCE, rows,
                    [code for code, _ in rows], query=query, column_labels=dict(rows))
    for (a, b), count in units.items():
        matrix.cells[(a, b)] = Cell(count, len(cases.get((a, b), ())), 0)
    return matrix
