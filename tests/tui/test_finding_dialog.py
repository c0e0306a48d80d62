"""F writes a code's finding statement; a concurrent edit is refused with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Static, TextArea

from kodebog.findings import set_finding
from kodebog.store import Store, open_project
from kodebog.store.models import Finding
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.finding import FindingDialog
from kodebog.tui.screens.coding import CodingScreen

from .helpers import open_source, settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


def finding(store: Store, code: str) -> tuple[str, int, str | None] | None:
    """(statement, version, updated by) of a code's finding."""
    with store.read() as session:
        row = session.scalar(select(Finding).where(Finding.code_id == code))
        return None if row is None else (row.statement, row.version, row.updated_by)


async def write(app: KodebogApp, pilot: object, text: str) -> FindingDialog:
    """Press F and replace the statement with ``text`` (not saved yet)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("F")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, FindingDialog)
    dialog.query_one(TextArea).text = text
    return dialog


async def test_f_writes_the_statement_for_the_highlighted_code(make_app: AppFactory,
                                                              store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("tab", "down", "down")  # codebook: contact_center
        dialog = await write(app, pilot, "Borgerne kan ikke komme igennem på telefonen.")
        assert dialog.code == "contact_center"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert finding(store, "contact_center") == (
            "Borgerne kan ikke komme igennem på telefonen.", 1, "anna")
        assert "finding for Kontakt til jobcentret saved (version 1)" in app.screen.message
        dialog = await write(app, pilot, "Telefontiden er for kort.")
        assert "Version 1, saved by anna" in str(dialog.query_one("#finding-stamp").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert finding(store, "contact_center") == ("Telefontiden er for kort.", 2, "anna")


async def test_a_concurrent_edit_is_refused_and_shown_not_overwritten(
        make_app: AppFactory, store: Store, project_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        dialog = await write(app, pilot, "Annas formulering.")
        elsewhere = open_project(project_path)
        try:  # bo saves a finding for the same code while anna is writing
            set_finding(elsewhere, "caseworker_relation", "Bos formulering.", "bo", base_version=0)
        finally:
            elsewhere.dispose()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog  # still open, with anna's text kept
        assert dialog.query_one(TextArea).text == "Annas formulering."
        notice = str(dialog.query_one("#finding-conflict", Static).render())
        assert "Not saved: the finding for 'caseworker_relation' was changed by bo" in notice
        assert "Bos formulering." in notice
        assert finding(store, "caseworker_relation") == ("Bos formulering.", 1, "bo")
        await pilot.press("ctrl+s")  # knowingly replace theirs
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert finding(store, "caseworker_relation") == ("Annas formulering.", 2, "anna")
