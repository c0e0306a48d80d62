"""Retrieve, compare and participants screens, checked against counts made in SQL here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList

from kodebog.case_sheet import export_sheet, import_sheet
from kodebog.store import Store
from kodebog.store.models import Participant
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.screens.compare import CompareScreen
from kodebog.tui.screens.participants import ParticipantsScreen
from kodebog.tui.screens.retrieve import RetrieveScreen
from kodebog.tui.widgets.code_picker import CodePicker
from kodebog.tui.widgets.passage_list import PassageList

from .helpers import current_ordinal, settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
Compare = Any

CASES = """
    SELECT count(*), count(DISTINCT coalesce(p.case_key, p.key)) FROM coding c
    JOIN unit u ON u.id = c.unit_id JOIN coder k ON k.id = c.coder_id
    LEFT JOIN participant p ON p.id = u.participant_id
    WHERE c.code_id = :code AND (:coder IS NULL OR k.name = :coder)
"""


def sql_counts(store: Store, code: str, coder: str | None = None) -> tuple[int, int]:
    """Passages and distinct cases of a code, counted in SQL (not by the view code)."""
    with store.read() as session:
        row = session.execute(text(CASES), {"code": code, "coder": coder}).one()
    return int(row[0]), int(row[1])


async def until_ready(app: KodebogApp, pilot: Pilot[Any], ready: Callable[[], bool]) -> None:
    """Settle until ``ready()`` (workers that start workers need more than one round)."""
    for _ in range(20):
        await settle(app, pilot)
        if ready():
            return
    raise AssertionError("the screen did not get ready")


async def mark(app: KodebogApp, pilot: Pilot[Any], code: str) -> None:
    """Highlight ``code`` in the retrieve screen's code list and mark it ∨."""
    picker = app.screen.query_one(CodePicker)
    picker.focus()
    picker.highlighted = [c for c, _l, _c in picker.codes].index(code)
    await pilot.press("space")
    await settle(app, pilot)


async def test_retrieve_counts_passages_and_cases_and_opens_a_unit(
        demo_app: KodebogApp, demo_store: Store) -> None:
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RetrieveScreen)
        await mark(app, pilot, "contact_center")
        passages = screen.query_one(PassageList)
        expected = sql_counts(demo_store, "contact_center")
        assert screen.result is not None
        assert (len(passages.passages), screen.result.participants) == expected
        summary = str(screen.query_one("#retrieve-summary").render())
        assert summary.startswith(f"{expected[0]} passages · {expected[1]} participants")
        assert len(list(screen.query("*"))) < 80  # one widget for all the passages

        screen.query_one("#retrieve-coders", SelectionList).select("bo")
        await settle(app, pilot)
        assert (len(passages.passages), screen.result.participants) == sql_counts(
            demo_store, "contact_center", "bo")
        assert {p.coder for p in passages.passages} == {"bo"}

        passages.focus()
        await pilot.press("j", "j")
        chosen = passages.current
        assert chosen is not None
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.source_id == chosen.source_id
        assert current_ordinal(app) == chosen.unit
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RetrieveScreen)


async def test_compare_cells_match_sql_and_open_retrieve(demo_app: KodebogApp,
                                                         demo_store: Store) -> None:
    with demo_store.read() as session:
        rows = session.execute(text("""
            SELECT c.code_id, count(*), count(DISTINCT coalesce(p.case_key, p.key))
            FROM coding c JOIN unit u ON u.id = c.unit_id
            JOIN participant p ON p.id = u.participant_id
            WHERE p.role = 'medarbejder' GROUP BY c.code_id""")).all()
        staff = session.execute(text("""
            SELECT count(DISTINCT coalesce(p.case_key, p.key)) FROM participant p
            WHERE p.role = 'medarbejder'
              AND EXISTS (SELECT 1 FROM unit u WHERE u.participant_id = p.id)""")).scalar()
    expected = {code: f"{n} · {people}/{staff}" for code, n, people in rows}
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.matrix is not None
        table = screen.query_one(DataTable)
        column = screen.matrix.columns.index("medarbejder") + 1
        shown = {code: str(table.get_cell_at((row, column)))
                 for row, (code, _label) in enumerate(screen.matrix.rows)}
        assert {code: shown[code] for code in expected} == expected
        assert "interviewer" not in screen.matrix.columns

        table.focus()
        row = [code for code, _l in screen.matrix.rows].index("staff_conditions")
        table.move_cursor(row=row, column=column)
        await pilot.press("enter")
        await settle(app, pilot)
        retrieve = app.screen
        assert isinstance(retrieve, RetrieveScreen) and retrieve.result is not None
        passages = retrieve.result.passages
        assert len(passages) == int(expected["staff_conditions"].split(" · ")[0])
        assert {p.role for p in passages} == {"medarbejder"}


async def test_case_sheet_round_trip_shows_in_the_compare_screen(
        demo_app: KodebogApp, demo_store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "cases.xlsx"
    export_sheet(demo_store, sheet)
    book = openpyxl.load_workbook(sheet)
    rows = book.active
    assert rows is not None
    header = [c.value for c in rows[1]]
    first, second = len(header) + 1, len(header) + 2
    rows.cell(1, first, "kursus")
    rows.cell(1, second, "alder")
    for row in range(2, rows.max_row + 1):
        source, speaker = rows.cell(row, 1).value, str(rows.cell(row, 2).value)
        if source == "fokusgruppe_borgere_aarhus" and speaker.startswith("Borger"):
            number = int(speaker.split()[1])
            rows.cell(row, first, "kort" if number <= 4 else "lang")
            rows.cell(row, second, f"{20 + number},5")
    book.save(sheet)
    report = import_sheet(demo_store, sheet, "anna")
    assert report.updated == 9 and report.columns["alder"] == "number"
    with demo_store.read() as session:
        relation = session.execute(text("""
            SELECT p.label FROM coding c JOIN unit u ON u.id = c.unit_id
            JOIN participant p ON p.id = u.participant_id
            WHERE c.code_id = 'caseworker_relation'
              AND p.key LIKE 'fokusgruppe_borgere_aarhus:Borger%'""")).scalars().all()
    short = [label for label in relation if int(label.split()[1]) <= 4]
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CompareScreen("kursus"))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.matrix is not None
        assert screen.matrix.columns == ["kort", "lang", "(ingen)"]
        table = screen.query_one(DataTable)
        row = [c for c, _l in screen.matrix.rows].index("caseworker_relation")
        assert str(table.get_cell_at((row, 1))) == f"{len(short)} · {len(set(short))}/4"
        assert "kort (n=4)" in str(table.ordered_columns[1].label)


async def test_participants_screen_sets_a_typed_attribute(demo_app: KodebogApp,
                                                          demo_store: Store) -> None:
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("L")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantsScreen) and screen.loaded is not None
        await pilot.press("plus")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "alder: number"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.loaded is not None
        column = 7 + [a.name for a in screen.loaded.attributes].index("alder")
        table = screen.query_one(DataTable)
        table.move_cursor(row=1, column=column)
        person = screen.loaded.people[1]
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "42,5"
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(table.get_cell_at((1, column))) == "42,5"
        label = 7 + [a.name for a in screen.loaded.attributes].index("forloebslaengde")
        table.move_cursor(row=30, column=label)
        await pilot.press("T")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "forløbslængde"
        await pilot.press("enter")
        await settle(app, pilot)
        labels = {c.key.value: str(c.label) for c in table.ordered_columns}
        assert labels["attr:forloebslaengde"] == "forløbslængde"
    with demo_store.read() as session:
        stored = session.get(Participant, person.id)
        assert stored is not None and stored.attributes["alder"] == 42.5
        assert dict(session.execute(text(
            "SELECT name, label FROM attribute_def")).all())["forloebslaengde"] == (
            "forløbslængde")


class TestAnalysisSnapshots:
    def test_retrieve_contact_center_on_the_demo(self, snap_compare: Compare,
                                                 demo_app: KodebogApp) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, KodebogApp)
            await settle(app, pilot)
            await pilot.press("G")
            await until_ready(app, pilot, lambda: isinstance(app.screen, RetrieveScreen)
                              and app.screen.facets is not None)
            await mark(app, pilot, "contact_center")
            await until_ready(app, pilot, lambda: isinstance(app.screen, RetrieveScreen)
                              and app.screen.result is not None
                              and bool(app.screen.result.passages))

        assert snap_compare(demo_app, terminal_size=(100, 30), run_before=run_before)

    def test_compare_by_role_on_the_demo(self, snap_compare: Compare,
                                         demo_app: KodebogApp) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, KodebogApp)
            await settle(app, pilot)
            await pilot.press("B")
            await until_ready(app, pilot, lambda: isinstance(app.screen, CompareScreen)
                              and app.screen.matrix is not None)

        assert snap_compare(demo_app, terminal_size=(100, 30), run_before=run_before)


async def test_the_codings_are_read_for_the_app_after_the_first_passages(
        demo_app: KodebogApp) -> None:
    """Retrieve reads the compare screen's arrays once passages are shown, so its agreed
    coding and a compare screen opened next do not read every coding again."""
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        with app.store.read() as session:
            assert app.coding_tables.kept(session) is None  # nothing shown yet
        await mark(app, pilot, "contact_center")
        await until_ready(app, pilot, lambda: _kept(app))
        assert _kept(app)


def _kept(app: KodebogApp) -> bool:
    with app.store.read() as session:
        return app.coding_tables.kept(session) is not None
