"""Reopening a source returns to the unit where the coder left it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kodebog import positions
from kodebog.tui.app import KodebogApp

from .helpers import current_ordinal, open_source, settle

pytestmark = pytest.mark.anyio
AppFactory = Callable[..., KodebogApp]


async def test_reopening_a_source_returns_to_the_unit_left(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "j", "j", "j")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert current_ordinal(app) == 5
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await open_source(again, pilot)
        assert current_ordinal(again) == 5


async def test_another_coder_starts_at_the_top(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_source(app, pilot)
        await pilot.press("j", "j")
        await pilot.press("escape")
        await settle(app, pilot)
    assert positions.path().exists()
    other = make_app(coder="bo")
    async with other.run_test(size=(80, 24)) as pilot:
        await open_source(other, pilot)
        assert current_ordinal(other) == 1
