"""The import dialog fits a standard 80x24 terminal: every field visible, no hint cut."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label

from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.import_source import ImportDialog

from .helpers import settle

pytestmark = pytest.mark.anyio
AppFactory = Callable[..., KodebogApp]


@pytest.mark.parametrize("speak", ["en", "da"])
async def test_the_import_dialog_fits_80x24_with_every_hint_whole(
        make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        speak: str) -> None:
    from kodebog.i18n import set_language

    set_language(speak)
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause(0.5)
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        box = dialog.query_one(Vertical)
        assert box.virtual_size.height <= box.scrollable_content_region.height, "it scrolls"
        screen = dialog.region
        for widget in [*dialog.query(Input), *dialog.query(Checkbox), *dialog.query(Label)]:
            assert screen.contains_region(widget.region), f"{widget} is off screen"
            assert widget.region.height >= 1
        for field in dialog.query(Input):
            assert len(field.placeholder) <= field.content_region.width, (
                f"{field.placeholder!r} is cut at {field.content_region.width} columns")
        hint = dialog.query_one(".hint", Label)
        assert hint.region.height == 1
