"""Code-and-retrieve and the comparison matrices on a small project built by hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

from kodebog.coding import apply_code, set_key_quote
from kodebog.errors import ProjectError
from kodebog.findings import PersonalDataError
from kodebog.importing import import_parsed
from kodebog.participants import link, set_attribute
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.views.compare import CompareQuery, compare, cooccurrence
from kodebog.views.exports import write_matrix, write_passages
from kodebog.views.retrieve import RetrieveQuery, retrieve

from .conftest import make_parsed

TURNS = [
    ("Interviewer", "Hvordan var kontakten med jobcentret?"),
    ("Borger 1", "Min sagsbehandler lyttede ikke, og telefonen var altid lukket."),
    ("Borger 2", "Reglerne er svære, men min sagsbehandler hjalp mig."),
    ("Borger 1", "Jeg ringede hver dag i en uge."),
    ("Borger 2", "Ring på 12 34 56 78 hvis I vil vide mere."),
]


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Store:
    store = init_project(project_location, codebook_file, coder="anna")
    import_parsed(store, make_parsed("fg1", TURNS))
    import_parsed(store, make_parsed("fg2", TURNS[:3]))

    def unit(source: str, ordinal: int) -> int:
        with store.read() as session:
            return find_unit(session, find_source(session, source), ordinal).id

    # fg1 #2: relation on "Min sagsbehandler lyttede ikke", contact on "telefonen ... lukket"
    apply_code(store, "anna", unit("fg1", 2), "caseworker_relation", (0, 30))
    apply_code(store, "anna", unit("fg1", 2), "contact_center", (35, 61))
    apply_code(store, "bo", unit("fg1", 2), "caseworker_relation")
    apply_code(store, "anna", unit("fg1", 3), "rules_and_system", (0, 17))
    apply_code(store, "anna", unit("fg1", 3), "caseworker_relation", (23, 51))
    apply_code(store, "anna", unit("fg1", 4), "contact_center")
    apply_code(store, "anna", unit("fg1", 5), "contact_center")
    change = apply_code(store, "anna", unit("fg2", 2), "caseworker_relation", memo="hørt? nej")
    set_key_quote(store, "anna", change.coding_ids[0], True)
    return store


def _rows(store: Store, query: RetrieveQuery) -> list[tuple[str, int, str, str]]:
    with store.read() as session:
        return [(p.source, p.unit, p.coder, p.text) for p in retrieve(session, query).passages]


def test_and_or_not_near_and_overlap(store: Store) -> None:
    relation = RetrieveQuery(("caseworker_relation",))
    assert _rows(store, relation) == [
        ("fg1", 2, "anna", "Min sagsbehandler lyttede ikke"),
        ("fg1", 2, "bo", TURNS[1][1]),
        ("fg1", 3, "anna", "min sagsbehandler hjalp mig."),
        ("fg2", 2, "anna", TURNS[1][1]),
    ]
    both = RetrieveQuery(("caseworker_relation",), and_codes=("contact_center",))
    assert [(s, u, c) for s, u, c, _t in _rows(store, both)] == [
        ("fg1", 2, "anna"), ("fg1", 2, "bo")]
    overlapping = RetrieveQuery(("caseworker_relation",), and_codes=("contact_center",),
                                overlap=True)
    assert [(s, u, c) for s, u, c, _t in _rows(store, overlapping)] == [("fg1", 2, "bo")]
    assert [(s, u, c) for s, u, c, _t in _rows(store, RetrieveQuery(
        ("caseworker_relation",), not_codes=("rules_and_system",)))] == [
        ("fg1", 2, "anna"), ("fg1", 2, "bo"), ("fg2", 2, "anna")]
    assert [(s, u, c) for s, u, c, _t in _rows(store, RetrieveQuery(
        ("caseworker_relation",), not_codes=("rules_and_system",), overlap=True))] == [
        ("fg1", 2, "anna"), ("fg1", 2, "bo"), ("fg1", 3, "anna"), ("fg2", 2, "anna")]
    either = RetrieveQuery(("rules_and_system", "contact_center"))
    assert [(s, u) for s, u, _c, _t in _rows(store, either)] == [
        ("fg1", 2), ("fg1", 3), ("fg1", 4), ("fg1", 5)]
    near = RetrieveQuery(("contact_center",), near_codes=("rules_and_system",), within=1)
    assert [(s, u) for s, u, _c, _t in _rows(store, near)] == [("fg1", 2), ("fg1", 4)]
    near_two = RetrieveQuery(("contact_center",), near_codes=("rules_and_system",), within=2)
    assert [(s, u) for s, u, _c, _t in _rows(store, near_two)] == [
        ("fg1", 2), ("fg1", 4), ("fg1", 5)]


def test_filters_and_counts_of_cases(store: Store) -> None:
    with store.read() as session:
        result = retrieve(session, RetrieveQuery(("caseworker_relation",)))
    assert (len(result.passages), result.participants, result.sources) == (4, 3, 2)
    with store.read() as session:
        from sqlalchemy import select

        from kodebog.store.models import Participant

        ids = list(session.scalars(select(Participant.id).where(
            Participant.key.in_(["fg1:Borger 1", "fg2:Borger 1"]))))
    link(store, ids, "anna")  # the same person in both focus groups
    set_attribute(store, ids[0], "forløbslængde", "over 2 år", "anna")
    with store.read() as session:
        result = retrieve(session, RetrieveQuery(("caseworker_relation",)))
        assert result.participants == 2
        assert len(retrieve(session, RetrieveQuery(("caseworker_relation",),
                                                   coders=("bo",))).passages) == 1
        only = retrieve(session, RetrieveQuery(("caseworker_relation",), key_quotes=True))
        assert [(p.source, p.memo, p.key_quote) for p in only.passages] == [
            ("fg2", "hørt? nej", True)]
        where = retrieve(session, RetrieveQuery(("caseworker_relation",),
                                                where=(("Forløbslængde", "Over 2 år"),)))
        assert [(p.source, p.coder) for p in where.passages] == [("fg1", "anna"), ("fg1", "bo")]
        roles = retrieve(session, RetrieveQuery(("contact_center",), roles=("borger",),
                                                sources=("fg1",)))
        assert len(roles.passages) == 3
        with pytest.raises(ProjectError, match="no attribute 'alder'"):
            retrieve(session, RetrieveQuery(("contact_center",), where=(("alder", "3"),)))
        with pytest.raises(ProjectError, match="no code 'nope'"):
            retrieve(session, RetrieveQuery(("nope",)))
        with pytest.raises(ProjectError, match="no coder 'carl'"):
            retrieve(session, RetrieveQuery(("contact_center",), coders=("carl",)))


def test_matrices_count_passages_cases_and_denominators(store: Store) -> None:
    with store.read() as session:
        by_source = compare(session, CompareQuery("source"))
        by_role = compare(session, CompareQuery("role", include_interviewers=True))
        pairs = cooccurrence(session, CompareQuery())
    cell = by_source.cell("caseworker_relation", "fg1")
    assert (cell.passages, cell.people, cell.of) == (3, 2, 2)  # interviewer not counted
    cell = by_source.cell("contact_center", "fg1")
    assert (cell.passages, cell.people, cell.of) == (3, 2, 2)
    assert by_role.columns == ["borger", "interviewer"]
    assert by_role.denominators == {"borger": 4, "interviewer": 2}
    both = pairs.cell("caseworker_relation", "contact_center")
    assert (both.passages, both.people) == (1, 1)  # units with both, and who said them
    assert pairs.cell("contact_center", "contact_center").passages == 3
    query = by_source.retrieve_query("contact_center", "fg1")
    assert query.sources == ("fg1",) and query.codes == ("contact_center",)
    assert pairs.retrieve_query("caseworker_relation", "contact_center").and_codes == (
        "contact_center",)


def test_exports_of_what_the_screens_show(store: Store, tmp_path: Path) -> None:
    with store.read() as session:
        relation = retrieve(session, RetrieveQuery(("caseworker_relation",)))
        contact = retrieve(session, RetrieveQuery(("contact_center",)))
        matrix = compare(session, CompareQuery("source"))
    write_passages(tmp_path / "p.xlsx", relation, title="relation")
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("source", "unit", "speaker") and len(rows) == 5
    assert rows[4][9] == TURNS[1][1] and rows[4][10] == "hørt? nej"
    write_passages(tmp_path / "p.docx", relation, title="relation")
    paragraphs = [p.text for p in Document(str(tmp_path / "p.docx")).paragraphs]
    assert f"»{TURNS[1][1]}«" in paragraphs
    with pytest.raises(PersonalDataError, match="fg1 #5"):
        write_passages(tmp_path / "c.csv", contact, title="contact")
    assert not (tmp_path / "c.csv").exists()
    write_passages(tmp_path / "c.csv", contact, title="contact", allow_personal_data=True)
    assert "12 34 56 78" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    write_matrix(tmp_path / "m.xlsx", matrix)
    book = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    assert book is not None
    header = [c.value for c in book[1]]
    assert header[:5] == ["code", "fg1: passages", "fg1: participants", "fg1: of", "fg1: share"]


def test_a_cache_gives_the_same_answers_and_reads_only_what_is_new(store: Store) -> None:
    queries = [RetrieveQuery(("caseworker_relation",)),
               RetrieveQuery(("caseworker_relation",), key_quotes=True),
               RetrieveQuery(("caseworker_relation",), roles=("borger",), sources=("fg1",)),
               RetrieveQuery(("caseworker_relation", "contact_center"),
                             not_codes=("rules_and_system",)),
               RetrieveQuery(("contact_center",), near_codes=("rules_and_system",), within=2)]
    cache: dict[tuple[object, ...], object] = {}
    with store.read() as session:
        for query in queries:
            assert retrieve(session, query, cache=cache).passages == retrieve(
                session, query).passages
        matrix_cache: dict[tuple[object, ...], object] = {}
        for dimension in ("role", "source", "role"):
            cached = compare(session, CompareQuery(dimension), cache=matrix_cache)
            fresh = compare(session, CompareQuery(dimension))
            assert (cached.columns, cached.cells) == (fresh.columns, fresh.cells)
    assert sorted(k[0] + ":" + str(k[1]) for k in cache if k[0] == "rows") == [
        "rows:caseworker_relation", "rows:caseworker_relation", "rows:contact_center"]
    table = matrix_cache[("coding table",)]  # read once; what is counted is kept with it
    assert {str(k[0]) for k in table.derived} >= {"cells", "possible", "grouping"}  # type: ignore[attr-defined]


def test_a_source_filter_uses_the_rows_read_for_every_source(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from kodebog.views import retrieve as module

    reads: list[str] = []

    def counting(name: str) -> Any:
        read = getattr(module, name)

        def counted(*args: object) -> Any:
            reads.append(name)
            return read(*args)
        return counted

    for name in ("_code_rows", "_condition"):
        monkeypatch.setattr(module, name, counting(name))
    everywhere = RetrieveQuery(("caseworker_relation", "contact_center"),
                               not_codes=("rules_and_system",))
    queries = [replace(everywhere, sources=(name,)) for name in ("fg1", "fg2")]
    near = RetrieveQuery(("contact_center",), near_codes=("caseworker_relation",), within=1,
                         sources=("fg1",))
    cache: dict[tuple[object, ...], object] = {}
    with store.read() as session:
        retrieve(session, everywhere, cache=cache)
        assert reads == ["_condition", "_code_rows", "_code_rows"]
        for query in queries:
            reads.clear()
            found = retrieve(session, query, cache=cache).passages
            assert reads == []  # nothing read again
            assert found and found == retrieve(session, query).passages
            assert {p.source for p in found} == set(query.sources)
        reads.clear()
        assert retrieve(session, near, cache=cache).passages
        assert reads == ["_condition"]  # a new condition; the rows were read for fg1
        assert retrieve(session, near, cache=cache).passages == retrieve(session, near).passages


def test_people_are_read_once_with_shared_attributes_and_filtered_alike(store: Store) -> None:
    from sqlalchemy import select

    from kodebog.store.models import Participant
    from kodebog.views.people import People, Person, load_people
    from kodebog.views.retrieve import people_matching, without_interviewers

    with store.read() as session:
        rows = {p.id: p for p in session.scalars(select(Participant))}
        one, other = (pid for pid, p in rows.items() if p.label == "Borger 2")
    link(store, [one, other], "anna", case="B2")
    for pid in (one, other):  # two people, the same values: one dict
        set_attribute(store, pid, "forløbslængde", "over 2 år", "anna")
    with store.read() as session:
        people = load_people(session)
        rows = {p.id: p for p in session.scalars(select(Participant))}
    assert isinstance(people, People) and len(people) == len(rows) and set(people) == set(rows)
    for pid, row in rows.items():
        assert people[pid] == Person(pid, row.label, row.role, row.case_key or row.key,
                                     row.attributes or {})
    assert people[one].case == "B2" and people[one].attributes is people[other].attributes
    assert people.get(-1) is None and -1 not in people and one in people
    assert len(people.attribute_sets) == 2  # {} and the one with forløbslængde
    assert people.roles() == {"borger", "interviewer"}
    plain = dict(people.items())  # the same people as an ordinary dict
    for roles, where in [(("borger",), ()), ((), (("forløbslængde", "Over 2 år"),)),
                         (("interviewer", "borger"), (("role", "borger"),)), ((), ())]:
        assert people_matching(people, roles, where) == people_matching(plain, roles, where)
    assert without_interviewers(people) == without_interviewers(plain) == {
        pid for pid, row in rows.items() if row.role != "interviewer"}


def test_people_from_a_driver_that_decodes_json_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    from kodebog.views import people as module

    rows = [(1, "A", "borger", "a", {"alder": 30}), (2, "B", None, "b", None),
            (3, "C", "borger", "c", '{"alder": 30}')]
    monkeypatch.setattr(module, "plain_rows", lambda _session, _stmt: rows)
    people = module.load_people(None)  # type: ignore[arg-type]
    assert [people[n].attributes for n in (1, 2, 3)] == [{"alder": 30}, {}, {"alder": 30}]
    assert people.roles() == {"borger"} and len(people.attribute_sets) == 2
