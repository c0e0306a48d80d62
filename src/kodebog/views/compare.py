"""Compare groups: codes x groups (role, an attribute, or source) and code x code co-occurrence.

A cell counts passages (codings of the chosen coders) and distinct participants (cases) who
said them, out of the cases in the group who could have: everyone with a unit in the chosen
sources. Interviewers are left out of every count unless asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.agreed import AgreedCoding
from kodebog.errors import ProjectError
from kodebog.participants import INTERVIEWER, ROLES, attribute_defs, format_value
from kodebog.store.models import Code, Coding, Source, Unit
from kodebog.views.retrieve import (
    ROLE,
    Cache,
    Person,
    RetrieveQuery,
    _source_ids,
    cached,
    check_codes,
    load_people,
)
from kodebog.views.scope import Scope, coding_scope

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
    agreed: AgreedCoding | None = None
    """The agreed coding counted, when the query asked for it."""

    def column_label(self, column: str) -> str:
        """A column as shown: a group's value, or a code's label."""
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
        if column == NONE:
            return base
        if self.dimension == SOURCE:
            return replace(base, sources=(column,))
        if self.dimension == ROLE:
            return replace(base, roles=(column,))
        return replace(base, where=((self.dimension, column),))

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


Place = tuple[int, int | None]
"""A unit's (source id, participant id)."""


def _units(session: Session, sources: list[int] | None) -> dict[int, Place]:
    """Unit id -> (source id, participant id), for the chosen sources."""
    stmt = select(Unit.id, Unit.source_id, Unit.participant_id)
    if sources is not None:
        stmt = stmt.where(Unit.source_id.in_(sources))
    return {uid: (sid, pid) for uid, sid, pid in session.execute(stmt)}


def _unit_codes(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """(unit id, code id) of every coding counted (the chosen coders', or the agreed)."""
    stmt = select(Coding.id, Coding.unit_id, Coding.code_id)
    if scope.coder_ids is not None:
        stmt = stmt.where(Coding.coder_id.in_(scope.coder_ids))
    if scope.agreed is None:
        return [(uid, code) for _cid, uid, code in session.execute(stmt)]
    return [(uid, code) for cid, uid, code in session.execute(stmt) if scope.keeps(cid)]


def _scope(session: Session, query: CompareQuery, cache: Cache | None) -> Scope:
    return cast(Scope, cached(cache, ("scope", query.coders, query.agreed),
                              partial(coding_scope, session, query.coders, query.agreed)))


def _counts(session: Session, coders: Scope,
            units: Mapping[int, Place]) -> dict[Place, dict[str, int]]:
    """Codings per (source, participant) and code, counted here rather than by a GROUP BY
    over a join (which SQLite sorts: several times slower on 300,000 codings)."""
    counts: dict[Place, dict[str, int]] = {}
    for uid, code in _unit_codes(session, coders):
        place = units.get(uid)
        if place is not None:
            per_code = counts.get(place)
            if per_code is None:
                per_code = counts[place] = {}
            per_code[code] = per_code.get(code, 0) + 1
    return counts


def _places(session: Session, query: CompareQuery, people: Mapping[int, Person],
            units: Mapping[int, Place], cache: Cache | None) -> dict[Place, tuple[str, str | None]]:
    """(source, participant) -> (group, case) for everyone counted (interviewers left out)."""
    skip = _skip(people, query.include_interviewers, cache)
    names = dict(session.execute(select(Source.id, Source.name)).all())
    found: dict[Place, tuple[str, str | None]] = {}
    by_attributes: dict[int, str] = {}  # people share attribute dicts: one group each
    attribute = query.dimension not in (ROLE, SOURCE)
    distinct = cached(cache, ("places", query.sources), lambda: set(units.values()))
    for place in distinct:
        source_id, pid = place
        if pid in skip:
            continue
        person = people.get(pid) if pid is not None else None
        if query.dimension == SOURCE:
            name = str(names[source_id])
        elif attribute and person is not None:
            name = by_attributes.get(id(person.attributes)) or by_attributes.setdefault(
                id(person.attributes), _group_of(person, query.dimension))
        else:
            name = _group_of(person, query.dimension)
        found[place] = (name, person.case if person is not None else None)
    return found


def _skip(people: Mapping[int, Person], include_interviewers: bool,
          cache: Cache | None) -> set[int]:
    """The interviewers' ids, unless they are included."""
    if include_interviewers:
        return set()
    return cast(set[int], cached(cache, ("interviewers",), lambda: {
        pid for pid, p in people.items() if (p.role or "") == INTERVIEWER}))


def compare(session: Session, query: CompareQuery,
            people: Mapping[int, Person] | None = None, cache: Cache | None = None) -> Matrix:
    """Codes x groups: passages, distinct participants and the group's participants.

    With a ``cache`` the counts per code and participant are read once per coders and
    sources: another grouping is then computed without reading the project again.
    """
    coders = _scope(session, query, cache)
    sources = _source_ids(session, query.sources)
    if people is None:
        people = load_people(session)
    infos = {info.name: info for info in attribute_defs(
        session, [p.attributes for p in people.values()])}
    if query.dimension not in (ROLE, SOURCE) and query.dimension not in infos:
        raise ProjectError(f"no attribute '{query.dimension}' to compare by; choose role, "
                           f"source or one of: {', '.join(infos) or 'no attributes yet'}")
    units = cached(cache, ("units", query.sources), partial(_units, session, sources))
    places = cached(cache, ("place_info", query.dimension, query.include_interviewers,
                            query.sources),
                    partial(_places, session, query, people, units, cache))
    # who could have said it: every case with a unit, per group
    possible: dict[str, set[str]] = {}
    columns: set[str] = set()
    for name, case in places.values():
        columns.add(name)
        if case is not None:
            possible.setdefault(name, set()).add(case)
    if query.dimension != SOURCE:
        columns.discard(NONE)  # shown below only if something was said there
    rows = _codes(session, query.codes)
    wanted = {code for code, _ in rows}
    counts = cached(cache, ("counts", query.coders, query.agreed, query.sources),
                    partial(_counts, session, coders, units))
    passages: dict[tuple[str, str], int] = {}
    said: dict[tuple[str, str], set[str]] = defaultdict(set)
    for place, per_code in counts.items():
        info = places.get(place)
        if info is None:
            continue
        name, case = info
        for code, count in per_code.items():
            if code not in wanted:
                continue
            key = (code, name)
            passages[key] = passages.get(key, 0) + count
            columns.add(name)
            if case is not None:
                said[key].add(case)
    denominators = {name: len(cases) for name, cases in possible.items()}
    numeric = query.dimension in infos and infos[query.dimension].kind == "number"
    label = {ROLE: "rolle", SOURCE: "kilde"}.get(query.dimension) or (
        infos[query.dimension].label)
    matrix = Matrix(f"koder × {label}", query.dimension, rows,
                    _order(columns, query.dimension, numeric), denominators=denominators,
                    query=query, agreed=coders.agreed)
    for key, count in passages.items():
        matrix.cells[key] = Cell(count, len(said.get(key, ())), denominators.get(key[1], 0))
    return matrix


def cooccurrence(session: Session, query: CompareQuery,
                 people: Mapping[int, Person] | None = None,
                 cache: Cache | None = None) -> Matrix:
    """Code x code: units coded with both (passages of the row code on them) and cases."""
    coders = _scope(session, query, cache)
    sources = _source_ids(session, query.sources)
    rows = _codes(session, query.codes)
    wanted = {code for code, _ in rows}
    if people is None:
        people = load_people(session)
    skip = _skip(people, query.include_interviewers, cache)
    located = cached(cache, ("units", query.sources), partial(_units, session, sources))
    by_unit: dict[int, tuple[set[str], int | None]] = {}
    for unit_id, code in cached(cache, ("unit_codes", query.coders, query.agreed),
                                partial(_unit_codes, session, coders)):
        place = located.get(unit_id)
        if place is None or place[1] in skip or code not in wanted:
            continue
        found = by_unit.get(unit_id)
        if found is None:
            by_unit[unit_id] = ({code}, place[1])
        else:
            found[0].add(code)
    both: dict[tuple[str, str], int] = {}
    cases: dict[tuple[str, str], set[str]] = {}
    for codes, pid in by_unit.values():
        person = people.get(pid) if pid is not None else None
        case = person.case if person is not None else None
        for a in codes:
            for b in codes:
                both[(a, b)] = both.get((a, b), 0) + 1
                if case is not None:
                    cases.setdefault((a, b), set()).add(case)
    matrix = Matrix("kode × kode (enheder med begge)", COOCCURRENCE, rows,
                    [code for code, _ in rows], query=query, column_labels=dict(rows),
                    agreed=coders.agreed)
    for (a, b), count in both.items():
        matrix.cells[(a, b)] = Cell(count, len(cases.get((a, b), ())), 0)
    return matrix
