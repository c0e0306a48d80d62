"""The living codebook on the coding screen: in vivo, dialogs, history, changes elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, TextArea

from kodebog import codes
from kodebog.store import Store, open_project
from kodebog.store.models import Code, CodebookVersion
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.code_choice import CodeChoiceDialog
from kodebog.tui.dialogs.code_form import CodeDialog
from kodebog.tui.dialogs.codebook_history import CodebookHistoryDialog
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.widgets.codebook_tree import CodebookTree

from .helpers import codings, open_source, settle, wait_until

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


def code_row(store: Store, code_id: str) -> Code | None:
    with store.read() as session:
        return session.get(Code, code_id)


async def test_in_vivo_code_from_selected_words_codes_them_and_gets_a_hotkey(
        make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "enter", "right", "shift+right", "shift+right", "I")
        dialog = app.screen
        assert isinstance(dialog, CodeDialog)
        assert dialog.query_one("#label", Input).value == "sagsbehandler lyttede ikke"
        await pilot.press("tab", "tab", "tab")
        assert app.focused is dialog.query_one("#key", Input)
        await pilot.press("æ", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen), getattr(app.screen, "message", "")

        code = code_row(store, "sagsbehandler_lyttede_ikke")
        assert code is not None and code.key == "æ"
        assert code.label == "sagsbehandler lyttede ikke"
        assert code.definition["examples"] == ["sagsbehandler lyttede ikke"]
        assert codings(store) == [("fg1", 2, "sagsbehandler_lyttede_ikke", 4, 30,
                                   "sagsbehandler lyttede ikke")]
        tree = app.screen.query_one(CodebookTree)
        assert tree.highlighted_code == "sagsbehandler_lyttede_ikke"

        await pilot.press("escape", "j", "æ")  # the new hotkey works on the next unit
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [
            (2, "sagsbehandler_lyttede_ikke"), (3, "sagsbehandler_lyttede_ikke")]

        await pilot.press("ctrl+z", "ctrl+z")  # the coding, then the new code
        await settle(app, pilot)
        assert codings(store) == [] and code_row(store, "sagsbehandler_lyttede_ikke") is None


async def test_merge_dialog_offers_both_definitions_and_merges(
        make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j", "3")  # unit 2 coded contact_center
        screen.query_one(CodebookTree).highlight("contact_center")
        await pilot.press("G")
        dialog = app.screen
        assert isinstance(dialog, CodeChoiceDialog)
        dialog.query_one("#target", Select).value = "rules_and_system"
        await pilot.pause()
        offered = dialog.query_one("#description", TextArea).text
        assert offered == ("Lovgivning, krav, kontrol, at være et nummer.\n\n"
                           "At komme igennem til jobcentret, telefontider, svar.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [(2, "rules_and_system")]
        merged = code_row(store, "contact_center")
        assert merged is not None and merged.retired and merged.merged_into == "rules_and_system"
        target = code_row(store, "rules_and_system")
        assert target is not None and target.description == offered
        assert screen.view is not None
        assert "contact_center" not in {c.id for c in screen.view.codebook.codes}


async def test_history_lists_versions_with_who_and_what(
        make_app: AppFactory, store: Store) -> None:
    codes.rename_code(store, "bo", "contact_center", "Kontakten")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("H")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CodebookHistoryDialog)
        options = dialog.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert "bo" in first
        assert "renamed 'contact_center': Kontakt til jobcentret -> Kontakten" in first
        assert options.option_count == 2


async def test_codebook_changes_elsewhere_appear_with_their_hotkeys(
        make_app: AppFactory, store: Store, project_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CodingScreen, "POLL_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        elsewhere = open_project(project_path)  # another coder's TUI, or the CLI
        try:
            codes.add_code(elsewhere, "bo", "Ventetid", key="ø")
        finally:
            elsewhere.dispose()
        tree = screen.query_one(CodebookTree)
        await wait_until(pilot, lambda: any("Ventetid" in str(node.label)
                                            for node in tree.root.children))
        await pilot.press("j", "ø")
        await settle(app, pilot)
        assert [(o, c) for _s, o, c, *_ in codings(store)] == [(2, "ventetid")]

        # a change started from the old version is refused, naming the newer one
        assert screen.view is not None
        with store.read() as session:
            newest = session.scalars(
                select(CodebookVersion).order_by(CodebookVersion.id.desc())).first()
        assert newest is not None and screen.view.codebook_version == newest.id


def test_in_vivo_dialog_fits_80x24(snap_compare: Callable[..., bool],
                                   make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KodebogApp)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("j", "enter", "right", "shift+right", "shift+right", "I")
        await settle(app, pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


async def test_a_change_on_a_stale_codebook_is_refused_with_who_made_the_newer_one(
        make_app: AppFactory, store: Store, project_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CodingScreen, "POLL_SECONDS", 3600)  # this screen has not seen it yet
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        elsewhere = open_project(project_path)
        try:
            newer = codes.rename_code(elsewhere, "bo", "contact_center", "Kontakten")
        finally:
            elsewhere.dispose()
        await pilot.press("ctrl+n")
        await pilot.press(*"Ventetid", "ctrl+s")
        await settle(app, pilot)
        assert code_row(store, "ventetid") is None
        shown = [n.message for n in app._notifications]
        assert any(f"version {newer.version_id} (by bo: renamed 'contact_center'" in m
                   for m in shown)
        assert screen.view is not None and screen.view.codebook_version == newer.version_id
        await pilot.press("ctrl+n")  # the screen now shows the newer codebook: accepted
        await pilot.press(*"Ventetid", "ctrl+s")
        await settle(app, pilot)
        assert code_row(store, "ventetid") is not None
