"""The retrieve and compare screens in Danish: counts with Danish words, no English left."""

from __future__ import annotations

import pytest
from textual.widgets import SelectionList

from kodebog.store import Store
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.compare import CompareScreen
from kodebog.tui.screens.retrieve import AGREED, RetrieveScreen

from .helpers import settle
from .test_analysis import mark, sql_counts
from .test_language import english_words, screen_text

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


@pytest.mark.usefixtures("danish")
async def test_retrieve_screen_speaks_danish(demo_app: KodebogApp, demo_store: Store) -> None:
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RetrieveScreen)
        text = screen_text(app)
        assert "markér en kode med mellemrum (∨) for at se dens udsagn" in text
        assert "Alle kilder" in text and "Alle vurderinger" in text
        assert "★ kun nøglecitater" in text and "≡ den aftalte kodning" in text
        await mark(app, pilot, "contact_center")
        passages, people = sql_counts(demo_store, "contact_center")
        summary = str(screen.query_one("#retrieve-summary").render())
        assert summary.startswith(f"{passages} udsagn · {people} deltagere · 5 kilder")
        screen.query_one("#retrieve-coders", SelectionList).select(AGREED)
        await settle(app, pilot)
        rule = str(screen.query_one("#retrieve-rule").render())
        assert rule.startswith("Aftalt kodning for anna, bo: ")
        assert "Hvor de er enige, deres kodning; ved en afgjort uenighed afgørelsen" in rule
        assert english_words(screen_text(app)) == []
        await pilot.press("f1")
        await settle(app, pilot)
        help_text = screen_text(app)
        assert "Genfind" in help_text and english_words(help_text) == []


@pytest.mark.usefixtures("danish")
async def test_compare_screen_speaks_danish(demo_app: KodebogApp) -> None:
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen) and app.screen.matrix is not None
        text = screen_text(app)
        assert "koder × rolle · udsagn · deltagere / deltagere i gruppen" in text
        assert "efter rolle" in text and "med interviewere" in text
        assert english_words(text) == []


@pytest.mark.usefixtures("danish")
async def test_compare_screen_switches_language_live(demo_app: KodebogApp) -> None:
    from kodebog.tui.language import switch_language

    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        assert "koder × rolle" in screen_text(app)
        switch_language(app, "en")
        await settle(app, pilot)
        text = screen_text(app)
        assert "codes × role · passages · participants / participants in the group" in text
        assert "by role" in text and "with interviewers" in text
        assert "koder × rolle" not in text and "efter rolle" not in text
        switch_language(app, "da")
        await settle(app, pilot)
        assert "koder × rolle" in screen_text(app)


@pytest.mark.usefixtures("danish")
async def test_retrieve_screen_switches_language_live_and_keeps_the_query(
        demo_app: KodebogApp, demo_store: Store) -> None:
    from kodebog.tui.language import switch_language

    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await settle(app, pilot)
        await mark(app, pilot, "contact_center")
        screen = app.screen
        assert isinstance(screen, RetrieveScreen)
        passages, people = sql_counts(demo_store, "contact_center")
        switch_language(app, "en")
        await settle(app, pilot)
        text = screen_text(app)
        summary = str(screen.query_one("#retrieve-summary").render())
        assert summary.startswith(f"{passages} passages · {people} participants · 5 sources")
        assert "All sources" in text and "★ key quotes only" in text and "Retrieve" in text
        assert "Alle kilder" not in text and "udsagn" not in text
        assert screen.current_query().codes == ("contact_center",)
        switch_language(app, "da")
        await settle(app, pilot)
        assert str(screen.query_one("#retrieve-summary").render()).startswith(
            f"{passages} udsagn · {people} deltagere")
