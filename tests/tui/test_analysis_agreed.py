"""The agreed coding as a choice in the retrieve and compare screens (project of test_agreed).

Expected passages and cells are written out by hand from the project's story (see
``tests/test_agreed.build``): anna and bo agree on fg1 unit 2, a settled dispute on fg1 unit
3 (the consensus coder keeps anna's span), an unsettled one on fg1 unit 4 (bo's
contact_center, left out), and fg2 coded by anna alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Select, SelectionList, Static

from kodebog.settings import Settings
from kodebog.store import Store, open_project
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.compare import AGREED as COMPARE_AGREED
from kodebog.tui.screens.compare import CompareScreen
from kodebog.tui.screens.retrieve import AGREED, RetrieveScreen
from kodebog.tui.widgets.passage_list import PassageList

from ..test_agreed import build
from .helpers import settle
from .test_analysis import mark

pytestmark = pytest.mark.anyio
SIZE = (100, 34)


@pytest.fixture
def agreed_store(tmp_path: Path, codebook_file: Path) -> Iterator[Store]:
    path = str(tmp_path / "agreed.kodebog")
    build(path, codebook_file).dispose()
    store = open_project(path)
    yield store
    store.dispose()


def shown(screen: Any, widget: str) -> str:
    return str(screen.query_one(widget, Static).render())


async def test_retrieve_screen_offers_the_agreed_coding_and_prints_its_rule(
        agreed_store: Store) -> None:
    app = KodebogApp(agreed_store, "anna", Settings(coder="anna", suggestions=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RetrieveScreen)
        await mark(app, pilot, "contact_center")
        await mark(app, pilot, "caseworker_change")
        passages = screen.query_one(PassageList)
        assert sorted((p.source, p.unit, p.coder) for p in passages.passages) == [
            ("fg1", 3, "anna"), ("fg1", 3, "konsensus"), ("fg1", 4, "bo"), ("fg2", 1, "anna")]
        assert not screen.query_one("#retrieve-rule").has_class("shown")

        screen.query_one("#retrieve-coders", SelectionList).select(AGREED)
        await settle(app, pilot)
        assert [(p.source, p.unit, p.code, p.coder) for p in passages.passages] == [
            ("fg1", 3, "caseworker_change", "konsensus"), ("fg2", 1, "contact_center", "anna")]
        assert shown(screen, "#retrieve-summary").startswith("2 passages · 2 participants")
        rule = shown(screen, "#retrieve-rule")
        assert screen.query_one("#retrieve-rule").has_class("shown")
        assert rule.startswith("Agreed coding of anna, bo: 1 agreed · 2 settled · "
                               "1 single-coder · 1 unsettled (left out).")
        assert "Where they agree, their coding; a settled disagreement, the decision" in rule

        # ticking bo beside it agrees bo alone: his fg1 material is his, the decision stands
        screen.query_one("#retrieve-coders", SelectionList).select("bo")
        await settle(app, pilot)
        assert [(p.source, p.unit, p.coder) for p in passages.passages] == [
            ("fg1", 3, "konsensus"), ("fg1", 4, "bo")]
        assert shown(screen, "#retrieve-rule").startswith("Agreed coding of bo:")


async def test_compare_screen_counts_the_agreed_coding_and_opens_it_in_retrieve(
        agreed_store: Store) -> None:
    app = KodebogApp(agreed_store, "anna", Settings(coder="anna", suggestions=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.matrix is not None
        screen.query_one("#compare-by", Select).value = "source"
        await settle(app, pilot)
        matrix = screen.matrix
        assert matrix is not None and matrix.agreed is None
        # every coder: bo's unsettled contact_center on fg1 counts
        assert matrix.cell("contact_center", "fg1").passages == 1

        screen.query_one("#compare-coder", Select).value = COMPARE_AGREED
        await settle(app, pilot)
        matrix = screen.matrix
        assert matrix is not None and matrix.agreed is not None
        table = screen.query_one(DataTable)
        rows = [code for code, _label in matrix.rows]
        cells = {(code, source): str(table.get_cell_at((rows.index(code),
                                                        matrix.columns.index(source) + 1)))
                 for code in ("caseworker_relation", "caseworker_change", "contact_center")
                 for source in ("fg1", "fg2")}
        # denominators: fg1's Borger 1 and 2, fg2's Borger 3 and 4 (the interviewer left out)
        assert (matrix.denominators["fg1"], matrix.denominators["fg2"]) == (2, 2)
        assert cells == {
            ("caseworker_relation", "fg1"): "2 · 1/2", ("caseworker_relation", "fg2"): "0 · 0/2",
            ("caseworker_change", "fg1"): "1 · 1/2", ("caseworker_change", "fg2"): "0 · 0/2",
            ("contact_center", "fg1"): "0 · 0/2", ("contact_center", "fg2"): "1 · 1/2",
        }
        assert "Agreed coding of anna, bo" in shown(screen, "#compare-rule")

        table.focus()
        table.move_cursor(row=rows.index("contact_center"), column=matrix.columns.index("fg2") + 1)
        await pilot.press("enter")
        await settle(app, pilot)
        retrieve = app.screen
        assert isinstance(retrieve, RetrieveScreen) and retrieve.result is not None
        assert [(p.source, p.unit, p.coder) for p in retrieve.result.passages] == [
            ("fg2", 1, "anna")]
        assert AGREED in retrieve.query_one("#retrieve-coders", SelectionList).selected
        assert retrieve.query_one("#retrieve-rule").has_class("shown")
