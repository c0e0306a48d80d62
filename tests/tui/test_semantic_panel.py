"""The suggestions panel and the semantic tier: off and how to turn it on, background
embedding while coding, low-confidence marks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from kodebog.store import Store
from kodebog.store.models import Participant, Unit, UnitEmbedding
from kodebog.suggest import semantic
from kodebog.suggest.semantic_state import INSTALL
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.suggesting import SuggestingScreen
from kodebog.tui.widgets.suggestions import SuggestionsPanel

from .helpers import open_source, settle

SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


def panel_text(app: KodebogApp) -> str:
    return app.screen.query_one(SuggestionsPanel).text.plain


@pytest.mark.anyio
async def test_panel_says_the_tier_is_off_and_how_to_turn_it_on(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KODEBOG_SEMANTIC")
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        shown = panel_text(app)
        assert "semantic off: install kodebog[semantic]" in shown
        assert "Mødet med sagsbehandl" in shown  # the other tiers work as before


@pytest.mark.anyio
async def test_low_confidence_suggestions_are_marked(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        for _ in range(8):  # every unit of fg1: a weak best code is shown marked, never hidden
            await pilot.press("j")
            await settle(app, pilot)
        assert isinstance(screen, SuggestingScreen)
        shown = [s for found in screen.suggestions.values() for s in found]
        low = [s for s in shown if s.low]
        assert low, "the test project has weak suggestions"
        assert all(s.score < 0.5 for s in low)
        lines = panel_text(app).splitlines()
        for s in screen.visible_suggestions(screen.units.current_row) or []:  # type: ignore[arg-type]
            line = next(x for x in lines if f"{s.score:.2f}" in x)
            assert ("?" in line) == s.low


@pytest.mark.skipif(not semantic.available(), reason=f"needs the semantic extra ({INSTALL})")
@pytest.mark.anyio
async def test_units_are_embedded_in_the_background_while_coding(
    make_app: AppFactory, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KODEBOG_SEMANTIC")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j")  # keys are answered while the helper embeds
        await settle(app, pilot)
        assert isinstance(screen, SuggestingScreen)
        state = screen.embedding
        assert state is not None and state.complete
        with store.read() as session:
            speaking = session.scalar(
                select(func.count()).select_from(Unit)
                .outerjoin(Participant, Participant.id == Unit.participant_id)
                .where((Participant.role.is_(None)) | (Participant.role != "interviewer"))
            )
            models = set(session.scalars(select(UnitEmbedding.model)))
            embedded = session.scalar(select(func.count()).select_from(UnitEmbedding))
        assert embedded == speaking == state.total
        assert models == {semantic.get_embedder().name}
        shown = [s for found in screen.suggestions.values() for s in found]
        assert shown and any(s.tier in ("semantic", "rules+semantic", "learned+semantic",
                                        "all") for s in shown)
        assert "semantic:" not in panel_text(app)  # done: no progress line left


def test_snapshot_low_marks_and_the_tier_off(
    snap_compare: Callable[..., bool], make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel of fg1's unit 5: suggestions marked ? (low), and how to turn the tier on."""
    from typing import Any

    from textual.pilot import Pilot

    monkeypatch.delenv("KODEBOG_SEMANTIC")
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: False)

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KodebogApp)
        await open_source(app, pilot)
        for _ in range(4):
            await pilot.press("j")
            await settle(app, pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
