"""Adding a recommendation from the coding screen: the dialog, the worker's write, a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, TextArea

from kodebog.findings.recommendations import list_recommendations
from kodebog.store import Store
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.recommendation import RecommendationDialog

from .helpers import open_source, settle

pytestmark = pytest.mark.anyio
AppFactory = Callable[..., KodebogApp]
Compare = Callable[..., bool]


async def _open_dialog(app: KodebogApp, pilot: Pilot[Any]) -> RecommendationDialog:
    screen = await open_source(app, pilot)
    screen.action_recommendation()
    await settle(app, pilot)
    dialog = app.screen
    assert isinstance(dialog, RecommendationDialog)
    return dialog


async def test_a_recommendation_is_added_with_its_themes(make_app: AppFactory,
                                                         store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_dialog(app, pilot)
        await pilot.press("ctrl+s")  # no title yet: refused, the dialog stays
        assert app.screen is dialog
        dialog.query_one(Input).value = "Længere telefontid"
        dialog.query_one(TextArea).text = "Åbn telefonen kl. 8-15."
        dialog.query_one(SelectionList).select("contact_center")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, RecommendationDialog)
        assert "recommendation 1 added" in app.screen.message  # type: ignore[attr-defined]
    with store.read() as session:
        [added] = list_recommendations(session)
    assert (added.number, added.title, added.text) == (1, "Længere telefontid",
                                                        "Åbn telefonen kl. 8-15.")
    assert "contact_center" in added.codes


def test_recommendation_dialog_fits_80x24(snap_compare: Compare, make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KodebogApp)
        dialog = await _open_dialog(app, pilot)
        dialog.query_one(Input).value = "Én fast sagsbehandler gennem forløbet"

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
