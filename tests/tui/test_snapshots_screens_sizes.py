"""The project and review screens in Danish at 80x24 and 120x40, and in English at 80x24.

Regenerate with ``--snapshot-update`` when the demo material changes, and look at the PNGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from kodebog.tui.app import KodebogApp

from .helpers import settle

Compare = Callable[..., bool]
SMALL, LARGE = (80, 24), (120, 40)


def pressed(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """From the project screen, press ``keys``, waiting for workers after each."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KodebogApp)
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)

    return run_before


@pytest.mark.usefixtures("danish")
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_project_screen_in_danish(snap_compare: Compare, demo_app: KodebogApp,
                                  size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, terminal_size=size, run_before=pressed())


@pytest.mark.usefixtures("danish")
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_review_screen_in_danish(snap_compare: Compare, demo_app: KodebogApp,
                                 size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, terminal_size=size, run_before=pressed("R", "down"))


def test_project_screen_in_english_at_80x24(snap_compare: Compare, demo_app: KodebogApp
                                            ) -> None:
    assert snap_compare(demo_app, terminal_size=SMALL, run_before=pressed())


@pytest.mark.usefixtures("danish")
def test_import_dialog_in_danish_at_80x24(snap_compare: Compare, demo_app: KodebogApp,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    for name in ("fokusgruppe_1.docx", "interview_borger.txt", "kommentarer.xlsx"):
        (folder / name).write_bytes(b"")
    monkeypatch.chdir(folder)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(demo_app, pilot)
        await pilot.press("i")
        await pilot.pause(1.0)
        await pilot.press("tab")  # to the tree, its folder open
        await pilot.pause(0.5)

    assert snap_compare(demo_app, terminal_size=SMALL, run_before=run_before)
