"""Help, the command palette, scale, and a newcomer's first session from start to reopen."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import TextArea

from kodebog.settings import Settings
from kodebog.store import Store, open_project
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.memo import MemoDialog
from kodebog.tui.screens.help import HelpScreen
from kodebog.tui.widgets.codebook_tree import CodebookTree
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.tui.widgets.unit_detail import UnitDetail
from kodebog.tui.widgets.unit_list import UnitList

from .conftest import FG1
from .helpers import codings, current_ordinal, open_source, settle, unit_memos

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
ROOT = Path(__file__).resolve().parents[2]


def screen_text(units: UnitList) -> str:
    """What the unit list shows now, as plain text."""
    return "\n".join(units.render_line(y).text for y in range(units.size.height))


async def test_f1_shows_help_for_the_focused_widget(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.title_text == "Units"
        ids = {row.binding_id for row in help_screen.rows}
        assert {"units.next", "units.span", "coding.undo", "app.help", "code.contact_center"} <= ids
        groups = [row.group for row in help_screen.rows]
        assert groups.index("Units") < groups.index("Coding") < groups.index("Everywhere")
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_offers_the_projects_actions(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        names = [c.name for c in screen.palette_commands() + app.palette_commands()]
        assert {"Go: next uncoded unit", "Source: open int1", "Code: apply Kontakt til jobcentret",
                "Edit: undo"} <= set(names)
        await pilot.press("1", "ctrl+p")
        await pilot.pause()
        for key in "apply regler":
            await pilot.press("space" if key == " " else key)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [
            (1, "caseworker_relation"), (1, "rules_and_system")]


async def test_newcomer_codes_undoes_quits_and_finds_it_all_again(
        make_app: AppFactory, store: Store, project_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("1", "j", "3", "j", "2", "j", "r", "j", "1")  # five units
        await pilot.press("j", "enter", "right", "shift+right", "3")  # a span in unit 6
        await pilot.press("escape", "M")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)
        app.screen.query_one(TextArea).text = "Positivt om at blive hørt."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("j", "2", "ctrl+z")  # a slip on unit 7, undone
        await pilot.press("q")
    assert not app.is_running

    expected = [
        ("fg1", 1, "caseworker_relation", 0, len(FG1[0][1]), FG1[0][1]),
        ("fg1", 2, "contact_center", 0, len(FG1[1][1]), FG1[1][1]),
        ("fg1", 3, "caseworker_change", 0, len(FG1[2][1]), FG1[2][1]),
        ("fg1", 4, "rules_and_system", 0, len(FG1[3][1]), FG1[3][1]),
        ("fg1", 5, "caseworker_relation", 0, len(FG1[4][1]), FG1[4][1]),
        ("fg1", 6, "contact_center", 5, 18, "fungerer godt"),
    ]
    reopened = open_project(project_path)
    try:
        assert codings(reopened) == expected
        assert unit_memos(reopened) == [("fg1", 6, "Positivt om at blive hørt.")]
        again = KodebogApp(reopened, "anna", Settings())
        async with again.run_test(size=SIZE) as pilot:
            await open_source(again, pilot)
            units = again.screen.query_one(UnitList)
            shown = screen_text(units)
            for label in ("Mødet med sagsbehandleren", "Kontakt til jobcentret ✂",
                          "Skift af sagsbehandler", "Regler og system", "✎ memo"):
                assert label in shown
            tree = again.screen.query_one(CodebookTree)
            assert tree.get_node_at_line(0) is not None
            await pilot.press(":")
            await pilot.pause()
            await pilot.press("6", "enter")
            await pilot.pause()
            assert current_ordinal(again) == 6
            detail = again.screen.query_one(UnitDetail).text.plain
            assert "fungerer godt" in detail and "Positivt om at blive hørt." in detail
            assert "unit 6/8" in again.screen.query_one("#status", StatusBar).text.plain
            assert "75% coded by anna" in again.screen.query_one("#status", StatusBar).text.plain
    finally:
        reopened.dispose()


def _bench_module() -> object:
    spec = importlib.util.spec_from_file_location("bench_tui", ROOT / "bench" / "tui.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_a_long_source_is_one_widget_and_lazily_read(tmp_path: Path) -> None:
    bench = _bench_module()
    store = bench.make_big_project(tmp_path / "big.kodebog", 3000)  # type: ignore[attr-defined]
    try:
        app = KodebogApp(store, "bench", Settings())
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_source(app, pilot)
            units = screen.query_one(UnitList)
            assert screen.view is not None and screen.view.count == 3000
            assert len(screen.view.chunks) <= 2  # only what is on screen was read
            assert len(list(screen.query("*"))) < 60  # no widget per unit
            await pilot.press("end")
            await settle(app, pilot)
            assert current_ordinal(app) == 3000
            assert f"{3000:>5}" in screen_text(units)
            await pilot.press("colon")
            await pilot.pause()
            await pilot.press("1", "5", "0", "0", "enter")
            await settle(app, pilot)
            assert current_ordinal(app) == 1500
            await pilot.press("1", "N")
            assert current_ordinal(app) == 1501
            assert [(o, c) for _s, o, c, *_ in codings(store, "bench")] == [(1500, "code_1")]
            await pilot.press("home")
            await settle(app, pilot)
            assert current_ordinal(app) == 1
            assert "    1 " in screen_text(units)
    finally:
        store.dispose()


async def test_a_failing_worker_shows_an_error_dialog(make_app: AppFactory) -> None:
    from kodebog.tui.dialogs.error import ErrorDialog
    from kodebog.tui.screens.project import ProjectScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_source(9999)
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "no longer in the project" in app.screen.message
        await pilot.press("enter")
        assert isinstance(app.screen, ProjectScreen)


async def test_resizing_and_theme_change_redraw_the_units(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        units = app.screen.query_one(UnitList)
        await pilot.press("j", "j", "j", "j")
        tall = units.heights.total
        await pilot.resize_terminal(66, 30)  # the codebook folds to a strip under 108
        await settle(app, pilot)
        assert units.heights.total > tall  # narrower text: more lines per unit
        assert current_ordinal(app) == 5
        assert "    5 " in screen_text(units)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Brevene er svære" in screen_text(units)
