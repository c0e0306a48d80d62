"""The project screen, find, the coder prompt and the theme: what the user does lands."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Checkbox, Input, Select

from kodebog import coding
from kodebog.settings import Settings, load_settings
from kodebog.store import Store
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.coder_name import CoderNameDialog
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.screens.find import FindScreen
from kodebog.tui.screens.project import ProjectScreen
from kodebog.tui.widgets.hit_list import HitList
from kodebog.tui.widgets.source_table import SourceTable
from kodebog.tui.widgets.unit_list import UnitList

from .helpers import codings, current_ordinal, open_source, settle, unit_id

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


async def test_enter_opens_the_highlighted_source(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, row=1)
        assert screen.view is not None and screen.view.head.name == "int1"
        await pilot.press("3")
        await settle(app, pilot)
        assert [(s, o, c) for s, o, c, *_ in codings(store)] == [("int1", 1, "contact_center")]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ProjectScreen)
        table = app.screen.query_one(SourceTable)
        assert "25%" in str(table.get_row("2")[-1])  # 1 of int1's 4 units coded


async def test_filters_by_kind_and_participant_attribute(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        assert [s.name for s in screen.visible_sources()] == ["fg1", "int1"]
        screen.query_one("#kind-filter", Select).value = "interview"
        await pilot.pause()
        assert [s.name for s in screen.visible_sources()] == ["int1"]
        assert screen.query_one(SourceTable).row_count == 1
        screen.query_one("#kind-filter", Select).clear()
        screen.query_one("#attribute-filter", Select).value = "ydelse\x1fdagpenge"
        await pilot.pause()
        assert [s.name for s in screen.visible_sources()] == ["fg1"]


async def test_find_with_filters_opens_the_hit(make_app: AppFactory, store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, "fg1", 2), "caseworker_relation")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        find = app.screen
        assert isinstance(find, FindScreen)
        hits = find.query_one(HitList)

        def found() -> list[str]:
            return [f"{h.source}#{h.ordinal}" for h in hits.hits]

        find.query_one("#query", Input).value = "sagsbehandler"
        await settle(app, pilot)
        assert found() == ["fg1#2", "fg1#3", "fg1#7", "int1#4"]
        assert hits.hits[0].highlights == ((4, 17),)
        find.query_one("#uncoded", Checkbox).value = True
        await settle(app, pilot)
        assert found() == ["fg1#3", "fg1#7", "int1#4"]
        find.query_one("#who", Select).value = "role\x1fmedarbejder"
        await settle(app, pilot)
        assert found() == ["int1#4"]
        find.query_one("#who", Select).clear()
        find.query_one("#uncoded", Checkbox).value = False
        find.query_one("#attribute", Select).value = "ydelse\x1fsygedagpenge"
        await settle(app, pilot)
        assert found() == ["fg1#3"]
        find.query_one("#attribute", Select).clear()
        find.query_one("#code", Select).value = "caseworker_relation"
        await settle(app, pilot)
        assert found() == ["fg1#2"]
        find.query_one("#code", Select).clear()
        await settle(app, pilot)
        hits.focus()
        await pilot.press("down", "down", "enter")  # fg1#7
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert current_ordinal(app) == 7
        assert app.screen.query_one(UnitList).search_query is not None
        await pilot.press("2")
        assert ("fg1", 7, "caseworker_change") in [(s, o, c) for s, o, c, *_ in
                                                    codings(store)]


async def test_find_from_coding_screen_jumps_within_the_source(
        make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        find = app.screen
        assert isinstance(find, FindScreen)
        find.query_one("#query", Input).value = "telefonen"
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert current_ordinal(app) == 4
        await pilot.press("3")
        await settle(app, pilot)
        assert [(s, o) for s, o, *_ in codings(store)] == [("fg1", 4)]


async def test_coder_is_asked_once_and_remembered(make_app: AppFactory, store: Store) -> None:
    app = make_app(coder=None, settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CoderNameDialog)
        await pilot.press("b", "o", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ProjectScreen)
        assert load_settings().coder == "bo"
        await open_source(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert len(codings(store, "bo")) == 1


async def test_theme_toggle_is_remembered(make_app: AppFactory) -> None:
    app = make_app(settings=load_settings())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
    assert load_settings().theme == "textual-light"
    again = make_app(settings=load_settings())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"
