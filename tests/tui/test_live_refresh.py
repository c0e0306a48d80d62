"""Team work: changes made elsewhere show up on an open coding screen without moving it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kodebog import coding
from kodebog.store import Store, open_project
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.widgets.codebook_tree import CodebookTree
from kodebog.tui.widgets.unit_detail import UnitDetail

from .helpers import (
    codings,
    current_ordinal,
    open_source,
    screen_text,
    settle,
    unit_id,
    wait_until,
)

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


async def test_others_changes_appear_while_the_cursor_and_span_stay(
        make_app: AppFactory, store: Store, project_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CodingScreen, "POLL_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        units = screen.units
        await pilot.press("j", "j", "j", "j", "O", "enter", "right")  # unit 5, a word selected
        selection, scroll = units.selection, units.scroll_y
        assert current_ordinal(app) == 5 and selection is not None

        elsewhere = open_project(project_path)  # another coder, or the CLI in a terminal
        try:
            coding.apply_code(elsewhere, "bo", unit_id(elsewhere, "fg1", 5), "contact_center")
            coding.apply_code(elsewhere, "anna", unit_id(elsewhere, "fg1", 2),
                              "rules_and_system")
            coding.set_unit_memo(elsewhere, "anna", unit_id(elsewhere, "fg1", 3), "Fra CLI.")
        finally:
            elsewhere.dispose()

        await wait_until(pilot, lambda: "bo: Kontakt til jobcentret" in screen_text(units))
        shown = screen_text(units)
        assert "Regler og system" in shown and "✎ memo" in shown
        assert current_ordinal(app) == 5
        assert units.selection == selection and units.scroll_y == scroll
        assert "bo: ■ Kontakt til jobcentret" in screen.query_one(UnitDetail).text.plain
        tree = screen.query_one(CodebookTree)
        labels = [str(node.label) for node in tree.root.children]
        assert any(label.endswith("Regler og system  1") for label in labels)

        await pilot.press("3")  # span mode still on: codes the selected word
        start, end = selection
        await settle(app, pilot)
        assert ("fg1", 5, "contact_center", start, end) in [c[:5] for c in codings(store)]


async def test_a_unit_above_the_view_that_grows_does_not_push_the_view(
        make_app: AppFactory, store: Store, project_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CodingScreen, "POLL_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await open_source(app, pilot)
        units = screen.units
        await pilot.press("O", "end")
        await wait_until(pilot, lambda: units.scroll_y > 0)
        top_line = screen_text(units).splitlines()[0]
        before = units.heights.height(0)
        elsewhere = open_project(project_path)
        try:  # bo's chips go on a line of their own under unit 1, above the view
            for code in ("caseworker_relation", "contact_center", "rules_and_system"):
                coding.apply_code(elsewhere, "bo", unit_id(elsewhere, "fg1", 1), code)
        finally:
            elsewhere.dispose()
        await wait_until(pilot, lambda: units.heights.height(0) > before)
        assert screen_text(units).splitlines()[0] == top_line
        assert current_ordinal(app) == 8


async def test_a_look_that_raced_a_write_of_ours_is_dropped(make_app: AppFactory,
                                                           store: Store) -> None:
    from kodebog.views.changes import changes_since

    coding.apply_code(store, "bo", unit_id(store, "fg1", 1), "contact_center")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        assert screen.view is not None
        stale = changes_since(store, screen.view.head.id, "anna", 0)  # read before the write
        assert stale is not None and stale.codings
        await pilot.press("1")  # anna codes unit 1
        screen.post_message(CodingScreen.ChangedElsewhere(stale, 0))
        await pilot.pause()
        row = screen.units.current_row
        assert row is not None
        assert [c.code for c in screen.view.my_codings(row.id)] == ["caseworker_relation"]
