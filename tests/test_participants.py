"""Participants as cases: typed attributes, labels, roles, links, and the case sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from kodebog.case_sheet import export_sheet, import_sheet
from kodebog.coding import apply_code
from kodebog.errors import ProjectError
from kodebog.importing import import_parsed
from kodebog.participants import (
    attribute_defs,
    define_attribute,
    infer_kind,
    link,
    list_participants,
    parse_date,
    parse_number,
    rename,
    set_attribute,
    set_role,
    unlink,
)
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.models import Event, Participant
from kodebog.views.compare import CompareQuery, compare

from .conftest import make_parsed


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Store:
    store = init_project(project_location, codebook_file, coder="anna")
    import_parsed(store, make_parsed("fg1"))
    import_parsed(store, make_parsed("fg2", [("Interviewer", "Og så?"),
                                             ("Borger 1", "Telefonen er lukket."),
                                             ("Borger 3", "Min sagsbehandler er god.")]))
    return store


def _pid(store: Store, key: str) -> int:
    with store.read() as session:
        found = session.scalar(select(Participant.id).where(Participant.key == key))
    assert found is not None
    return found


def _events(store: Store, action: str) -> list[Event]:
    with store.read() as session:
        return list(session.scalars(select(Event).where(Event.action == action)))


def test_danish_numbers_and_dates_are_read_as_such() -> None:
    assert parse_number("3,5") == 3.5
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1.234") == 1234
    assert parse_number("3.5") == 3.5
    assert parse_number("12") == 12 and isinstance(parse_number("12"), int)
    assert parse_number("3 år") is None
    assert parse_date("1-3-2026") == "2026-03-01"
    assert parse_date("01.03.2026") == "2026-03-01"
    assert parse_date("2026-03-01") == "2026-03-01"
    assert parse_date("31-2-2026") is None
    assert infer_kind(["3,5", "12", ""]) == "number"
    assert infer_kind(["1-3-2026", "2026-04-02"]) == "date"
    assert infer_kind(["3,5", "under 1 år"]) == "text"


def test_an_attribute_keeps_its_type_and_each_change_is_one_event(store: Store) -> None:
    borger = _pid(store, "fg1:Borger 1")
    define_attribute(store, "alder", "anna", label="alder", kind="number")
    info = set_attribute(store, borger, "alder", "42,5", "anna")
    assert info.attributes == {"alder": 42.5}
    with pytest.raises(ProjectError, match="'alder' is a number column: 'fyrre' is not a number"):
        set_attribute(store, borger, "alder", "fyrre", "anna")
    set_attribute(store, borger, "kommune", "Aarhus", "anna")
    with store.read() as session:
        person = session.get(Participant, borger)
        assert person is not None and person.attributes == {"alder": 42.5, "kommune": "Aarhus"}
    events = _events(store, "participant.attribute")
    assert len(events) == 2
    assert events[0].before is not None and events[0].before["attributes"] == {}
    assert events[0].after is not None and events[0].after["attributes"] == {"alder": 42.5}
    set_attribute(store, borger, "kommune", "", "anna")  # an empty value removes it
    with store.read() as session:
        assert list_participants(session, "fg1")[1].attributes == {"alder": 42.5}


def test_labels_roles_names_and_cases(store: Store) -> None:
    borger = _pid(store, "fg1:Borger 1")
    again = _pid(store, "fg2:Borger 1")
    define_attribute(store, "forloebslaengde", "anna", label="forløbslængde")
    with store.read() as session:
        assert [(a.name, a.label) for a in attribute_defs(session)] == [
            ("forloebslaengde", "forløbslængde")]
    assert rename(store, borger, "Karen", "anna").label == "Karen"
    assert set_role(store, borger, "Medarbejder", "anna").role == "medarbejder"
    case = link(store, [borger, again], "anna")
    assert case == "fg1:Borger 1"
    with store.read() as session:
        people = {p.key: p for p in list_participants(session)}
    assert people["fg1:Borger 1"].case == people["fg2:Borger 1"].case == case
    assert people["fg1:Borger 1"].key == "fg1:Borger 1"  # the key never changes
    assert len({p.case for p in people.values()}) == len(people) - 1
    unlink(store, again, "anna")
    with store.read() as session:
        assert {p.key: p.case for p in list_participants(session)}["fg2:Borger 1"] == (
            "fg2:Borger 1")
    assert [len(_events(store, a)) for a in ("participant.rename", "participant.role",
                                             "participant.link", "participant.unlink",
                                             "attribute.define")] == [1, 1, 1, 1, 1]


def test_case_sheet_round_trip_splits_the_comparison(store: Store, tmp_path: Path) -> None:
    for source, ordinal in (("fg1", 2), ("fg1", 3), ("fg2", 2), ("fg2", 3)):
        _code(store, source, ordinal, "contact_center")
    sheet = tmp_path / "cases.xlsx"
    assert "6 participants" in export_sheet(store, sheet)
    book = openpyxl.load_workbook(sheet)
    rows = book.active
    assert rows is not None
    header = [cell.value for cell in rows[1]]
    assert header == ["source", "speaker", "name", "role", "case"]
    rows.cell(1, 6, "forløbslængde")
    rows.cell(1, 7, "alder")
    filled = {("fg1", "Borger 1"): ("over 2 år", "34,5"), ("fg1", "Borger 2"): ("under 1 år", 51),
              ("fg2", "Borger 1"): ("over 2 år", "29"), ("fg2", "Borger 3"): ("under 1 år", "")}
    for row in range(2, rows.max_row + 1):
        key = (rows.cell(row, 1).value, rows.cell(row, 2).value)
        if key in filled:
            rows.cell(row, 6, filled[key][0])
            rows.cell(row, 7, filled[key][1])
    rows.append(["fg1", "Borger 7", "", "", "", "over 2 år", "40"])
    book.save(sheet)

    report = import_sheet(store, sheet, "anna")
    assert report.updated == 4 and report.unchanged == 2  # the interviewers
    assert report.unknown == [(8, "fg1", "Borger 7")]
    assert report.columns == {"forløbslængde": "text", "alder": "number"}
    assert "row 8: no participant 'Borger 7' in source 'fg1' (skipped)" in "\n".join(
        report.lines())
    with store.read() as session:
        ages = {p.key: p.attributes.get("alder") for p in list_participants(session)}
        matrix = compare(session, CompareQuery("forløbslængde"))
    assert ages["fg1:Borger 1"] == 34.5 and ages["fg1:Borger 2"] == 51
    assert matrix.columns == ["over 2 år", "under 1 år"]  # interviewers left out
    cell = matrix.cell("contact_center", "over 2 år")
    assert (cell.passages, cell.people, cell.of) == (2, 2, 2)
    cell = matrix.cell("contact_center", "under 1 år")
    assert (cell.passages, cell.people, cell.of) == (2, 2, 2)
    assert len(_events(store, "participant.import")) == 1

    again = tmp_path / "again.csv"
    export_sheet(store, again)
    text = again.read_text(encoding="utf-8-sig")
    assert next(csv.reader(text.splitlines()))[-2:] == ["forløbslængde", "alder"]
    assert '"34,5"' in text
    assert import_sheet(store, again, "anna").updated == 0  # the export reads back unchanged


def test_a_bad_value_in_a_typed_column_refuses_the_whole_sheet(store: Store,
                                                              tmp_path: Path) -> None:
    define_attribute(store, "alder", "anna", kind="number")
    sheet = tmp_path / "cases.csv"
    sheet.write_text("source;speaker;alder\nfg1;Borger 1;40\nfg1;Borger 2;halvtreds\n",
                     encoding="utf-8")
    with pytest.raises(ProjectError, match=r"cases.csv: line 3, column 'alder': 'halvtreds'"):
        import_sheet(store, sheet, "anna")
    with store.read() as session:
        assert all(not p.attributes for p in list_participants(session))


def _code(store: Store, source: str, ordinal: int, code: str) -> None:
    from kodebog.queries import find_source, find_unit

    with store.read() as session:
        unit = find_unit(session, find_source(session, source), ordinal).id
    apply_code(store, "anna", unit, code)


def test_attributes_given_by_the_analyst_survive_a_replaced_import(store: Store) -> None:
    borger = _pid(store, "fg1:Borger 1")
    set_attribute(store, borger, "kommune", "Aarhus", "anna")
    changed = make_parsed("fg1", [("Interviewer", "Hvordan var det første møde?"),
                                  ("Borger 1", "Min sagsbehandler lyttede ikke."),
                                  ("Borger 2", "Fire sagsbehandlere på et år."),
                                  ("Borger 1", "Man kan aldrig få fat i nogen.")])
    import_parsed(store, changed, replace=True)
    with store.read() as session:
        person = session.get(Participant, borger)
        assert person is not None and person.attributes == {"kommune": "Aarhus"}
