"""Every coding as columns of numbers, read once: the compare matrices in numpy.

The compare screen counts the same codings again for each grouping, coder and interviewer
choice. Reading them once (id, unit, coder, code, valence; the unit's source and participant;
the participant's case and role) costs about 0.5 s on 300,000 codings; after that a matrix is
a few array operations (tens of milliseconds) instead of a SQL aggregate over the coding-unit
join (0.4-0.7 s each). Rows are read as the driver's tuples (``store.plain``). The app keeps
the table while the project is unchanged (``table_memo``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from kodebog.bulk import paused_gc
from kodebog.participants import INTERVIEWER
from kodebog.store.models import Code, Coding, Participant, Unit
from kodebog.store.plain import plain_rows
from kodebog.views.scope import Scope

if TYPE_CHECKING:
    from kodebog.agreed_pairs import Codings

Ints = NDArray[np.int64]
NO_ONE = -1
"""The participant position of a unit without a participant."""


def factorize(values: Sequence[Hashable]) -> tuple[list[Any], Ints]:
    """The distinct values in order of first appearance, and each value's position among them."""
    distinct = list(dict.fromkeys(values))
    positions = {value: n for n, value in enumerate(distinct)}
    index = np.fromiter(map(positions.__getitem__, values), dtype=np.int64, count=len(values))
    return distinct, index


def _column(rows: list[tuple[Any, ...]], position: int) -> Ints:
    return np.fromiter((row[position] for row in rows), dtype=np.int64, count=len(rows))


def _positions(ids: Ints, wanted: Ints) -> Ints:
    """Where each of ``wanted`` is in the sorted ``ids``; ``NO_ONE`` where it is not."""
    if not len(ids):
        return np.full(len(wanted), NO_ONE, dtype=np.int64)
    at = np.searchsorted(ids, wanted).clip(0, len(ids) - 1)
    return np.where(ids[at] == wanted, at, NO_ONE)


@dataclass(frozen=True)
class Grouping:
    """A grouping as numbers: each coding's group and each place's (None: codings only)."""

    values: list[Any]
    """The raw group values, as the SQL group expressions give them."""
    per_coding: Ints
    per_place: Ints | None


@dataclass(frozen=True)
class CodingTable:
    """The project's codings, units and participants as parallel arrays."""

    codes: list[str]
    coding_id: Ints
    code: Ints
    coder: Ints
    unit: Ints
    """The coding's unit id."""
    source: Ints
    person: Ints
    """The position of the unit's participant in ``person_ids`` (``NO_ONE``: nobody)."""
    case: Ints
    """The position of the participant's case in ``cases`` (``NO_ONE``: nobody)."""
    valences: list[str | None]
    valence: Ints
    person_ids: Ints
    roles: list[str | None]
    person_role: Ints
    person_case: Ints
    profiles: list[str | None]
    """The distinct attribute texts of the participants."""
    person_profile: Ints
    """Per participant: its attribute text's position in ``profiles``."""
    cases: int
    """How many distinct cases (linked participants are one case)."""
    place_source: Ints
    """Each distinct (source, participant) with a unit: the source."""
    place_person: Ints
    place_case: Ints
    derived: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False,
                                                repr=False)
    """What is worked out from these arrays (groupings, counts), kept with them: a table read
    again (the project changed) starts empty."""

    @property
    def interviewer(self) -> NDArray[np.bool_]:
        """Per participant: whether it is an interviewer."""
        if INTERVIEWER not in self.roles:
            return np.zeros(len(self.person_ids), dtype=np.bool_)
        found: NDArray[np.bool_] = self.person_role == self.roles.index(INTERVIEWER)
        return found

    def _not_interviewer(self, person: Ints) -> NDArray[np.bool_]:
        asked = self.interviewer
        padded: NDArray[np.bool_] = np.append(asked, False)  # NO_ONE (-1) reads the last
        return np.logical_not(padded[person])

    def codings(self) -> Codings:
        """The columns the agreed coding is worked out from (``agreed_pairs``)."""
        from kodebog.agreed_pairs import Codings

        return Codings(self.coding_id, self.unit, self.code, self.coder, self.codes)

    def coding_mask(self, scope: Scope, sources: list[int] | None,
                    include_interviewers: bool) -> NDArray[np.bool_]:
        """The codings counted: the scope's coders (or agreed coding), sources, people."""
        keep = np.ones(len(self.coding_id), dtype=np.bool_)
        if scope.coder_ids is not None:
            keep &= np.isin(self.coder, np.array(scope.coder_ids, dtype=np.int64))
        if scope.agreed is not None:
            agreed = np.fromiter(scope.agreed.coding_ids, dtype=np.int64,
                                 count=len(scope.agreed.coding_ids))
            keep &= np.isin(self.coding_id, agreed)
        if sources is not None:
            keep &= np.isin(self.source, np.array(sources, dtype=np.int64))
        if not include_interviewers:
            keep &= self._not_interviewer(self.person)
        return keep

    def place_mask(self, sources: list[int] | None,
                   include_interviewers: bool) -> NDArray[np.bool_]:
        """The places (source, participant) whose cases could have said something."""
        keep = np.ones(len(self.place_source), dtype=np.bool_)
        if sources is not None:
            keep &= np.isin(self.place_source, np.array(sources, dtype=np.int64))
        if not include_interviewers:
            keep &= self._not_interviewer(self.place_person)
        return keep

    def by_person(self, values: list[Any], per_person: Ints, nobody: Any) -> Grouping:
        """A grouping of people (role, attribute): ``nobody`` is the group of no participant."""
        if nobody in values:
            none_index = values.index(nobody)
        else:
            none_index = len(values)
            values = [*values, nobody]
        padded = np.append(per_person, none_index)
        return Grouping(values, padded[self.person], padded[self.place_person])

    def by_source(self) -> Grouping:
        """A grouping by the unit's source (raw values: source ids)."""
        ids = np.union1d(self.source, self.place_source)
        return Grouping([int(i) for i in ids], np.searchsorted(ids, self.source),
                        np.searchsorted(ids, self.place_source))

    def by_valence(self, none: str) -> Grouping:
        """A grouping of codings by valence (``none`` for codings without one)."""
        values = [none if v is None else v for v in self.valences]
        return Grouping(values, self.valence, None)

    def by_role(self, none: str) -> Grouping:
        """A grouping by the participant's role (``none`` for no role or no participant)."""
        values = [none if r is None else r for r in self.roles]
        merged, index = factorize(values)
        return self.by_person(merged, index[self.person_role], none)

    def cell_counts(self, grouping: Grouping, keep: NDArray[np.bool_]
                    ) -> dict[tuple[str, Any], tuple[int, int]]:
        """(code, raw group) -> (passages, distinct cases) of the codings in ``keep``."""
        groups = len(grouping.values)
        cell = self.code[keep] * groups + grouping.per_coding[keep]
        case = self.case[keep]
        passages = np.bincount(cell, minlength=len(self.codes) * groups)
        said = _distinct(cell, case, self.cases, len(passages))
        return {(self.codes[c // groups], grouping.values[c % groups]):
                (int(passages[c]), int(said[c])) for c in np.flatnonzero(passages)}

    def possible(self, grouping: Grouping, keep: NDArray[np.bool_]) -> dict[Any, int]:
        """Raw group -> the cases in it with a place in ``keep`` (valence: one group, None)."""
        case = self.place_case[keep]
        if grouping.per_place is None:
            return {None: len(np.unique(case[case != NO_ONE]))}
        group = grouping.per_place[keep]
        counts = _distinct(group, case, self.cases, len(grouping.values))
        return {grouping.values[g]: int(counts[g]) for g in np.unique(group)}

    def cooccurrence(self, keep: NDArray[np.bool_]
                     ) -> dict[tuple[str, str], tuple[int, int]]:
        """(code, code) -> (units with both, distinct cases on them), codings in ``keep``."""
        count = len(self.codes)
        pairs, first_seen = np.unique(self.unit[keep] * count + self.code[keep],
                                      return_index=True)
        units, codes = pairs // count, pairs % count
        unit_case = self.case[keep][first_seen]
        starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
        sizes = np.diff(np.r_[starts, len(units)])
        each = np.repeat(sizes, sizes)  # per element, how many codes share its unit
        first = np.repeat(starts, sizes)  # per element, where its unit's codes begin
        left = np.repeat(np.arange(len(units)), each)
        within = np.arange(int(each.sum())) - np.repeat(np.cumsum(each) - each, each)
        right = np.repeat(first, each) + within
        cell = codes[left] * count + codes[right]
        case = unit_case[left]
        both = np.bincount(cell, minlength=count * count)
        said = _distinct(cell, case, self.cases, len(both))
        return {(self.codes[c // count], self.codes[c % count]): (int(both[c]), int(said[c]))
                for c in np.flatnonzero(both)}


def _distinct(group: Ints, case: Ints, cases: int, groups: int) -> Ints:
    """Per group, how many distinct cases (``NO_ONE`` not counted)."""
    has = case != NO_ONE
    pairs = np.unique(group[has] * max(cases, 1) + case[has])
    return np.bincount(pairs // max(cases, 1), minlength=groups)


def _per_profile(session: Session, expression: ColumnElement[Any],
                 table: CodingTable) -> list[Any]:
    """A SQL expression of a participant's attributes, once per distinct attribute text.

    A survey's 100,000 respondents share a few hundred texts: half the time of evaluating it
    per participant. SQLite evaluates a grouped query's plain column once per group;
    PostgreSQL needs an aggregate.
    """
    text = cast(Participant.attributes, Text)
    if session.get_bind().dialect.name == "sqlite":
        stmt = select(text, expression).group_by(text)
    else:
        stmt = select(text, func.min(expression)).group_by(text)
    found = dict(plain_rows(session, stmt))
    return [found.get(profile) for profile in table.profiles]


def person_values(session: Session, expression: ColumnElement[Any],
                  table: CodingTable) -> tuple[list[Any], Ints]:
    """A SQL expression of a participant's attributes per participant of ``table``, factorized."""
    values, per_profile = factorize(_per_profile(session, expression, table))
    return values, per_profile[table.person_profile]


def profile_numbers(session: Session, expression: ColumnElement[Any],
                    table: CodingTable) -> NDArray[np.float64]:
    """A number attribute (its SQL expression) per distinct attribute text; NaN where none."""
    return np.array([np.nan if v is None else float(v)
                     for v in _per_profile(session, expression, table)], dtype=np.float64)


def banded(numbers: NDArray[np.float64], table: CodingTable, start: float,
           width: float) -> tuple[list[Any], Ints]:
    """Each participant's band position (``(value - start) / width`` truncated, as the SQL of
    ``compare_counts.group_expression``; None without a value), factorized."""
    positions = [None if np.isnan(v) else int((v - start) / width) for v in numbers.tolist()]
    values, per_profile = factorize(positions)
    return values, per_profile[table.person_profile]


def _ints(session: Session, stmt: Select[*tuple[Any, ...]], width: int) -> NDArray[np.int64]:
    """A select of ``width`` integer columns (no NULLs) as an array of rows."""
    rows = plain_rows(session, stmt)
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def numbered_codings(session: Session) -> tuple[list[str], Ints]:
    """The code ids, and every coding as (id, unit id, coder id, code's position), by id.

    The code is numbered in SQL. SQLite scans the codings and looks each code up when joined
    to the code table (its rowid numbers it), but walks the code index and sorts 300,000
    rows when joined to a numbered subquery (0.7 s against 0.25 s); PostgreSQL hashes the
    numbered subquery.
    """
    columns = (Coding.id, Coding.unit_id, Coding.coder_id)
    if session.get_bind().dialect.name == "sqlite":
        rowid: ColumnElement[int] = literal_column(f"{Code.__tablename__}.rowid", Integer)
        numbers = {int(n): str(c) for n, c in session.execute(select(rowid, Code.id))}
        codings = _ints(session, select(*columns, rowid)
                        .join(Code, Code.id == Coding.code_id).order_by(Coding.id), 4)
        order = sorted(numbers)
        position = np.zeros(max(order, default=0) + 1, dtype=np.int64)
        position[order] = np.arange(len(order))
        codings[:, 3] = position[codings[:, 3]]
        return [str(numbers[n]) for n in order], codings
    codes = [str(c) for c in session.scalars(select(Code.id).order_by(Code.id))]
    numbered = select(Code.id, (func.row_number().over(order_by=Code.id) - 1).label("n")
                      ).cte("numbered")
    return codes, _ints(session, select(*columns, numbered.c.n)
                        .join(numbered, numbered.c.id == Coding.code_id).order_by(Coding.id), 4)


def _people(session: Session) -> tuple[Ints, list[str | None], Ints, Ints, int,
                                        list[str | None], Ints]:
    """Participant ids (sorted), their roles and cases, their attribute texts (factorized):
    (ids, roles, role, case, number of cases, texts, text).

    A case is ``coalesce(case_key, key)``: linked participants share it. Most participants
    are not linked, so only the keys some case key names are read, not 100,000 strings.
    """
    rows = plain_rows(session, select(Participant.id, Participant.role, Participant.case_key,
                                      cast(Participant.attributes, Text))
                      .order_by(Participant.id))
    ids = _column(rows, 0)
    roles, role = factorize([row[1] for row in rows])
    named = dict(plain_rows(session, select(Participant.id, Participant.key).where(
        Participant.key.in_(select(Participant.case_key).where(
            Participant.case_key.is_not(None))))))
    linked = [(n, key if key is not None else named[pid])
              for n, (pid, _role, key, _text) in enumerate(rows)
              if key is not None or pid in named]
    case = np.arange(len(rows), dtype=np.int64)  # unlinked: a case of one
    if linked:
        _keys, numbers = factorize([key for _n, key in linked])
        case[[n for n, _key in linked]] = len(rows) + numbers
    distinct, case = np.unique(case, return_inverse=True)
    profiles, profile = factorize([row[3] for row in rows])
    return ids, roles, role, case.astype(np.int64), len(distinct), profiles, profile


def load_table(session: Session) -> CodingTable:
    """Read every coding, unit place and participant once (the collector paused meanwhile:
    the rows read are hundreds of thousands of tuples that live until they are arrays)."""
    with paused_gc():
        return _read_table(session)


def _read_table(session: Session) -> CodingTable:
    """The table, read.

    Codings come as integers only (the code as its position among the code ids, numbered in
    SQL): a string column per row cost more than the rest of the row. Valences are read
    apart, for the codings that have one.
    """
    person_ids, roles, person_role, person_case, cases, profiles, profile = _people(session)
    units = _ints(session, select(Unit.id, Unit.source_id,
                                  func.coalesce(Unit.participant_id, literal(NO_ONE)))
                  .order_by(Unit.id), 3)
    unit_ids, unit_source = units[:, 0], units[:, 1]
    unit_person = _positions(person_ids, units[:, 2])
    codes, codings = numbered_codings(session)
    coding_id = codings[:, 0]
    valences: list[str | None] = [None]
    valence = np.zeros(len(coding_id), dtype=np.int64)
    rated = plain_rows(session, select(Coding.id, Coding.valence)
                       .where(Coding.valence.is_not(None)).order_by(Coding.id))
    if rated:
        names, index = factorize([row[1] for row in rated])
        valences += names
        valence[np.searchsorted(coding_id, _column(rated, 0))] = index + 1
    at = _positions(unit_ids, codings[:, 1])
    padded_case = np.append(person_case, NO_ONE)
    person = np.where(at == NO_ONE, NO_ONE, np.append(unit_person, NO_ONE)[at])
    places = np.unique(unit_source * (len(person_ids) + 1) + (unit_person + 1))
    place_source, place_person = places // (len(person_ids) + 1), places % (
        len(person_ids) + 1) - 1
    return CodingTable(
        codes=codes, coding_id=coding_id, code=codings[:, 3], coder=codings[:, 2],
        unit=codings[:, 1], source=np.append(unit_source, NO_ONE)[at], person=person,
        case=padded_case[person], valences=valences, valence=valence,
        person_ids=person_ids, roles=roles, person_role=person_role,
        person_case=person_case, profiles=profiles, person_profile=profile, cases=cases,
        place_source=place_source, place_person=place_person,
        place_case=padded_case[place_person])

