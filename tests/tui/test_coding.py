"""Coding by keyboard (and mouse) on the coding screen; every test checks the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Select, TextArea

from kodebog import coding
from kodebog.settings import Settings
from kodebog.store import Store
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.memo import MemoDialog
from kodebog.tui.widgets.unit_detail import UnitDetail
from kodebog.tui.widgets.unit_list import GUTTER, UnitList

from .conftest import FG1
from .helpers import (
    coding_flags,
    codings,
    current_ordinal,
    open_source,
    settle,
    unit_id,
    unit_memos,
)

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


async def test_hotkey_toggles_code_on_current_unit(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "1", "3")
        text = FG1[1][1]
        await settle(app, pilot)
        assert codings(store) == [
            ("fg1", 2, "caseworker_relation", 0, len(text), text),
            ("fg1", 2, "contact_center", 0, len(text), text),
        ]
        await pilot.press("1")
        await settle(app, pilot)
        assert codings(store) == [("fg1", 2, "contact_center", 0, len(text), text)]
        detail = app.screen.query_one(UnitDetail).text.plain
        assert "Kontakt til jobcentret" in detail and "Mødet" not in detail


async def test_letter_hotkey_and_arrow_keys(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("down", "down", "up", "r")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [(2, "rules_and_system")]


async def test_span_mode_codes_exactly_the_selected_words(
        make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "enter", "right", "shift+right", "shift+right", "1")
        await settle(app, pilot)
        assert codings(store) == [
            ("fg1", 2, "caseworker_relation", 4, 30, "sagsbehandler lyttede ikke")
        ]
        # the same selection and key again removes exactly that coding
        await pilot.press("1")
        await settle(app, pilot)
        assert codings(store) == []
        await pilot.press("escape", "j")
        assert app.screen.query_one(UnitList).span is None
        assert current_ordinal(app) == 3


async def test_mouse_drag_selects_exact_characters(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        units = app.screen.query_one(UnitList)
        await pilot.press("j")
        await pilot.pause()
        # unit 2's first text line is one line below its header; the list has a border
        line = units.heights.top(1) + 1 - round(units.scroll_y) + 1
        x0 = 1 + GUTTER
        await pilot.mouse_down(UnitList, offset=(x0 + 4, line))
        await pilot.hover(UnitList, offset=(x0 + 16, line))
        await pilot.mouse_up(UnitList, offset=(x0 + 16, line))
        await pilot.pause()
        assert units.selection == (4, 17)
        await pilot.press("2")
        await settle(app, pilot)
        assert codings(store) == [("fg1", 2, "caseworker_change", 4, 17, "sagsbehandler")]


async def test_unit_memo_and_coding_memo(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "M")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MemoDialog)
        dialog.query_one(TextArea).text = "Vigtig pointe om tillid."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert unit_memos(store) == [("fg1", 2, "Vigtig pointe om tillid.")]

        await pilot.press("3", "M")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MemoDialog)
        target = dialog.query_one("#memo-target", Select)
        assert target.value == "unit"
        assert dialog.query_one(TextArea).text == "Vigtig pointe om tillid."
        target.value = dialog.targets[1].key  # the coding just made
        await pilot.pause()
        assert dialog.query_one(TextArea).text == ""
        dialog.query_one(TextArea).text = "Telefonen igen."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert coding_flags(store) == [(2, "contact_center", "Telefonen igen.", False)]
        assert "Telefonen igen." in app.screen.query_one(UnitDetail).text.plain


async def test_key_quote_toggles_on_selected_coding(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "1", "3", "C", "asterisk")
        await settle(app, pilot)
        assert coding_flags(store) == [
            (2, "caseworker_relation", None, True),
            (2, "contact_center", None, False),
        ]
        await pilot.press("asterisk")
        await settle(app, pilot)
        assert all(not flag for *_rest, flag in coding_flags(store))


async def test_undo_and_redo(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "1", "j", "3")
        await settle(app, pilot)
        assert len(codings(store)) == 2
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert [o for _s, o, *_ in codings(store)] == [2]
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert codings(store) == []
        assert current_ordinal(app) == 2  # undo shows the unit it changed
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [(2, "caseworker_relation")]


async def test_next_uncoded_skips_coded_units(make_app: AppFactory, store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, "fg1", 2), "contact_center")
    coding.apply_code(store, "anna", unit_id(store, "fg1", 3), "contact_center")
    coding.apply_code(store, "bo", unit_id(store, "fg1", 4), "contact_center")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("N")
        assert current_ordinal(app) == 4  # bo's coding does not count as anna's
        await pilot.press("r")
        await pilot.press("N")
        assert current_ordinal(app) == 5
        await pilot.press("P")
        assert current_ordinal(app) == 1
        assert (4, "rules_and_system") in [(o, c) for _s, o, c, *_ in codings(store)]


async def test_jump_to_unit_number(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("colon")
        await pilot.pause()
        await pilot.press("6", "enter")
        await pilot.pause()
        assert current_ordinal(app) == 6
        await pilot.press("2")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [(6, "caseworker_change")]


async def test_other_coders_are_shown_on_request(make_app: AppFactory, store: Store) -> None:
    coding.apply_code(store, "bo", unit_id(store, "fg1", 1), "rules_and_system")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        detail = app.screen.query_one(UnitDetail)
        assert "bo:" not in detail.text.plain
        await pilot.press("O")
        assert "bo:" in detail.text.plain
        assert codings(store, "bo") == [("fg1", 1, "rules_and_system", 0, len(FG1[0][1]),
                                         FG1[0][1])]


async def test_codebook_tree_enter_applies_highlighted_code(
        make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("tab")
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [(1, "contact_center")]
        await pilot.press("escape")
        assert app.screen.focused is app.screen.query_one(UnitList)


async def test_remapped_keys_work(make_app: AppFactory, store: Store) -> None:
    settings = Settings(keys={"units.next": "s", "coding.key_quote": "x"})
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("s", "s", "3", "x")
        assert current_ordinal(app) == 3
        assert coding_flags(store) == [(3, "contact_center", None, True)]


async def test_footer_hides_keys_that_do_not_apply(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        assert screen.check_action("key_quote", ()) is False
        await pilot.press("1")
        assert screen.check_action("key_quote", ()) is True
        units = screen.query_one(UnitList)
        assert units.check_action("word", ()) is False
        await pilot.press("enter")
        assert units.check_action("word", ()) is True
        assert screen.check_action("next_uncoded", ()) is False


async def test_valence_key_cycles_the_selected_coding(make_app: AppFactory, store: Store) -> None:
    from sqlalchemy import select

    from kodebog.store.models import Coding

    def valences() -> list[tuple[str, str | None]]:
        with store.read() as session:
            return [tuple(r) for r in session.execute(  # type: ignore[misc]
                select(Coding.code_id, Coding.valence).order_by(Coding.code_id))]

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "1", "plus")
        assert valences() == [("caseworker_relation", "positive")]
        assert "+ works well" in app.screen.query_one(UnitDetail).text.plain
        await pilot.press("plus", "plus")
        assert valences() == [("caseworker_relation", "mixed")]
        await pilot.press("ctrl+z")
        assert valences() == [("caseworker_relation", "negative")]
        await pilot.press("plus", "plus")
        assert valences() == [("caseworker_relation", None)]
