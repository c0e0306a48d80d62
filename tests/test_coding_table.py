"""The compare matrices counted in numpy equal a plain count over the ORM rows.

Random projects (seeded): focus groups and an interview, units without a participant,
interviewers, linked participants, text and number attributes (banded), valences, two coders
and the agreed coding. The reference below counts passages, cases and denominators from the
rows one by one; it shares nothing with ``kodebog.views.coding_table`` but the band rule.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.agreed import agreed_coding
from kodebog.coding import apply_code, toggle_code
from kodebog.importing import import_parsed
from kodebog.participants import define_attribute, link, set_attribute
from kodebog.project import init_project
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.store import Store
from kodebog.store.models import Coder, Coding, Participant, Source, Unit
from kodebog.views.compare import CompareQuery, compare, cooccurrence, prepare_groupings
from kodebog.views.compare_counts import NONE, auto_bands
from kodebog.views.table_memo import TableMemo

CODES = ("caseworker_relation", "contact_center", "rules_and_system", "caseworker_change")
SPEAKERS = ("Interviewer", "Borger 1", "Borger 2", "Borger 3", None)


def _source(name: str, rng: random.Random, turns: int) -> ParsedSource:
    parts, units, position = [], [], 0
    for _ in range(turns):
        speaker = rng.choice(SPEAKERS)
        prefix = f"{speaker}: " if speaker else ""
        spoken = rng.choice(("Jeg ringede.", "Mødet var godt.", "Reglerne er svære æøå."))
        start = position + len(prefix)
        units.append(ParsedUnit(start, start + len(spoken), participant_key=speaker,
                                speaker=speaker))
        parts.append(prefix + spoken)
        position += len(prefix) + len(spoken) + 2
    people = [ParsedParticipant(key=s, label=s,
                                role="interviewer" if s == "Interviewer" else "borger")
              for s in dict.fromkeys(u.participant_key for u in units) if s]
    return ParsedSource(name=name, kind="focus_group", text="\n\n".join(parts), units=units,
                        participants=people, encoding="utf-8", filename=f"{name}.txt")


def _project(location: str, codebook: Path, seed: int) -> Store:
    rng = random.Random(seed)
    store = init_project(location, codebook, coder="anna")
    for n in range(3):
        import_parsed(store, _source(f"fg{n + 1}", rng, rng.randint(6, 12)))
    with store.read() as session:
        units = list(session.scalars(select(Unit.id)))
        people = list(session.scalars(select(Participant.id).order_by(Participant.id)))
    for pid in people:
        if rng.random() < 0.8:
            set_attribute(store, pid, "alder", str(rng.randint(18, 80)), "anna")
        if rng.random() < 0.7:
            set_attribute(store, pid, "forløbslængde", rng.choice(("kort", "lang")), "anna")
    define_attribute(store, "alder", "anna", kind="number")
    link(store, rng.sample(people, 2), "anna")
    for unit in units:
        for coder in ("anna", "bo"):
            for code in rng.sample(CODES, rng.choice((0, 1, 1, 2))):
                apply_code(store, coder, unit, code,
                           valence=rng.choice((None, None, "positive", "negative", "mixed")))
    toggle_code(store, "bo", units[0], CODES[0])  # a removal: the project changed again
    return store


def _group(dimension: str, coding: Coding | None, unit: Unit, person: Participant | None,
           sources: dict[int, str], bands: list[tuple[str, float | None, float | None]]
           ) -> str:
    if dimension == "role":
        return (person.role if person is not None else None) or NONE
    if dimension == "source":
        return sources[unit.source_id]
    if dimension == "valence":
        assert coding is not None
        return coding.valence or "none"
    value = (person.attributes or {}).get(dimension) if person is not None else None
    if value is None:
        return NONE
    if bands:
        return next(label for label, low, high in bands
                    if low is not None and high is not None and low <= value < high)
    return str(value)


def _reference(session: Session, dimension: str, *, coders: tuple[str, ...] = (),
               interviewers: bool = False, agreed: bool = False
               ) -> tuple[dict[tuple[str, str], tuple[int, int]], dict[str, int]]:
    """(code, group) -> (passages, cases), and group -> cases who could have said it."""
    people = {p.id: p for p in session.scalars(select(Participant))}
    units = {u.id: u for u in session.scalars(select(Unit))}
    sources = {s.id: s.name for s in session.scalars(select(Source))}
    names = {c.id: c.name for c in session.scalars(select(Coder))}
    kept = agreed_coding(session).coding_ids if agreed else None
    ages = sorted({float(p.attributes["alder"]) for p in people.values()
                   if "alder" in (p.attributes or {})})
    bands = auto_bands(ages) if dimension == "alder" else []

    def person_of(unit: Unit) -> Participant | None:
        return people.get(unit.participant_id) if unit.participant_id is not None else None

    def left_out(person: Participant | None) -> bool:
        return not interviewers and person is not None and person.role == "interviewer"

    passages: dict[tuple[str, str], int] = defaultdict(int)
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for coding in session.scalars(select(Coding)):
        unit = units[coding.unit_id]
        person = person_of(unit)
        if (coders and names[coding.coder_id] not in coders) or left_out(person) or (
                kept is not None and coding.id not in kept):
            continue
        key = (coding.code_id, _group(dimension, coding, unit, person, sources, bands))
        passages[key] += 1
        if person is not None:
            cases[key].add(person.case_key or person.key)
    could: dict[str, set[str]] = defaultdict(set)
    for unit in units.values():
        person = person_of(unit)
        if left_out(person):
            continue
        group = ("all" if dimension == "valence"
                 else _group(dimension, None, unit, person, sources, bands))
        could[group]
        if person is not None:
            could[group].add(person.case_key or person.key)
    return ({key: (n, len(cases[key])) for key, n in passages.items()},
            {group: len(found) for group, found in could.items()})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matrices_equal_a_count_row_by_row(project_location: str, codebook_file: Path,
                                           seed: int) -> None:
    """Both ways of counting: the coding table kept, and SQL before a table is kept."""
    store = _project(project_location, codebook_file, seed)
    kept = TableMemo()
    with store.read() as session:
        kept.table(session)
        for dimension in ("role", "source", "valence", "forløbslængde", "alder"):
            for options in ({}, {"coders": ("bo",)}, {"interviewers": True},
                            {"agreed": True}):
                query = CompareQuery(dimension, coders=options.get("coders", ()),
                                     include_interviewers=bool(options.get("interviewers")),
                                     agreed=bool(options.get("agreed")))
                cells, could = _reference(session, dimension, **options)
                for tables in (kept, TableMemo()):  # a new memo keeps nothing: SQL
                    matrix = compare(session, query, cache={}, tables=tables)
                    got = {key: (c.passages, c.people) for key, c in matrix.cells.items()}
                    assert got == cells, (dimension, options)
                    if dimension == "valence":
                        assert set(matrix.denominators.values()) == {could["all"]}
                    else:
                        assert matrix.denominators == could, (dimension, options)


def _pairs_reference(session: Session, coders: tuple[str, ...]) -> dict[Any, tuple[int, int]]:
    names = {c.id: c.name for c in session.scalars(select(Coder))}
    people = {p.id: p for p in session.scalars(select(Participant))}
    by_unit: dict[int, set[str]] = defaultdict(set)
    for coding in session.scalars(select(Coding)):
        if not coders or names[coding.coder_id] in coders:
            by_unit[coding.unit_id].add(coding.code_id)
    units = {u.id: u for u in session.scalars(select(Unit))}
    both: dict[tuple[str, str], int] = defaultdict(int)
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for unit_id, codes in by_unit.items():
        pid = units[unit_id].participant_id
        person = people.get(pid) if pid is not None else None
        if person is not None and person.role == "interviewer":
            continue
        for a in codes:
            for b in codes:
                both[(a, b)] += 1
                if person is not None:
                    cases[(a, b)].add(person.case_key or person.key)
    return {key: (n, len(cases[key])) for key, n in both.items()}


@pytest.mark.parametrize("seed", [4, 5])
def test_cooccurrence_equals_a_count_unit_by_unit(tmp_path: Path, codebook_file: Path,
                                                  seed: int) -> None:
    store = _project(str(tmp_path / "p.kodebog"), codebook_file, seed)
    with store.read() as session:
        for coders in ((), ("anna",)):
            matrix = cooccurrence(session, CompareQuery(coders=coders))
            got = {key: (c.passages, c.people) for key, c in matrix.cells.items()}
            assert got == _pairs_reference(session, coders)


def test_the_kept_table_is_read_again_only_when_the_project_changed(
        project_location: str, codebook_file: Path) -> None:
    store = _project(project_location, codebook_file, 6)
    tables = TableMemo()
    with store.read() as session:
        first = tables.table(session)
        assert tables.table(session) is first
        unit = int(first.unit[0])
    toggle_code(store, "anna", unit, CODES[3])
    with store.read() as session:
        second = tables.table(session)
        assert second is not first and len(second.coding_id) != len(first.coding_id)
    with store.read() as session:
        person = session.scalars(select(Participant.id)).first()
    assert person is not None
    set_attribute(store, person, "forløbslængde", "mellem", "anna")
    with store.read() as session:
        assert tables.table(session) is not second
    tables.forget()
    with store.read() as session:
        third = tables.table(session)
        assert tables.table(session) is third


def test_the_agreed_coding_from_the_kept_table_equals_the_one_read(
        tmp_path: Path, codebook_file: Path) -> None:
    from kodebog.views.retrieve import RetrieveQuery, retrieve

    store = _project(str(tmp_path / "p.kodebog"), codebook_file, 7)
    tables = TableMemo()
    with store.read() as session:
        table = tables.table(session)
        from_table = agreed_coding(session, codings=table.codings())
        read = agreed_coding(session)
        assert from_table.coding_ids == read.coding_ids and from_table.counts() == read.counts()
        assert from_table.rows == read.rows and from_table.unsettled == read.unsettled
        query = RetrieveQuery(CODES[:2], agreed=True)
        assert retrieve(session, query, tables=tables).passages == retrieve(
            session, query).passages


def test_a_screen_cache_never_mixes_two_tables(tmp_path: Path, codebook_file: Path) -> None:
    """The project changes while a compare screen is open and the table is read again: what
    is counted from the new table is never mixed with groups worked out from the old one."""
    store = _project(str(tmp_path / "p.kodebog"), codebook_file, 8)
    tables, screen_cache = TableMemo(), {}
    with store.read() as session:
        prepare_groupings(session, screen_cache, tables)
        compare(session, CompareQuery("alder"), cache=screen_cache, tables=tables)
        unit = int(tables.table(session).unit[-1])
    for code in CODES:
        toggle_code(store, "anna", unit, code)
    with store.read() as session:
        tables.table(session)  # read again elsewhere (another screen): the stamp changed
        for dimension in ("alder", "role", "forløbslængde"):
            matrix = compare(session, CompareQuery(dimension), cache=screen_cache, tables=tables)
            cells, could = _reference(session, dimension)
            assert {key: (c.passages, c.people) for key, c in matrix.cells.items()} == cells
            assert matrix.denominators == could
