"""In the browser (kodebog serve) keys the browser keeps for itself move to function keys."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kodebog.tui.app import DARK, LIGHT, KodebogApp

from .helpers import settle

pytestmark = pytest.mark.anyio
AppFactory = Callable[..., KodebogApp]


async def test_browser_mode_moves_ctrl_t_to_f9(make_app: AppFactory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KODEBOG_BROWSER", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == DARK
        await pilot.press("ctrl+t")  # the browser would open a new tab instead
        assert app.theme == DARK
        await pilot.press("f9")
        assert app.theme == LIGHT


async def test_terminal_keeps_ctrl_t(make_app: AppFactory,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KODEBOG_BROWSER", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT
