"""SVG snapshots of the coding screen at 80x24, 100x30 and 120x40, in Danish and English.

At 80x24 and 100x30 the codebook is folded to a strip of hotkeys (every code's key in
sight); **K** unfolds it below the units. Regenerate with ``--snapshot-update`` when the
demo material changes, and look at the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from kodebog.tui.app import KodebogApp

from .helpers import settle

Compare = Callable[..., bool]


def opened(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Open the first source, go to its second unit, code it, then press ``keys``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KodebogApp)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        for key in ("j", "j", *keys):
            await pilot.press(key)
            await settle(app, pilot)

    return run_before


class TestCodingScreenEnglish:
    def test_80x24_codebook_folded_to_hotkeys(self, snap_compare: Compare,
                                              demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened())

    def test_80x24_codebook_unfolded_below(self, snap_compare: Compare,
                                           demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened("K"))

    def test_100x30(self, snap_compare: Compare, demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(100, 30), run_before=opened())

    def test_120x40(self, snap_compare: Compare, demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(120, 40), run_before=opened())


@pytest.mark.usefixtures("danish")
class TestCodingScreenDanish:
    def test_80x24_codebook_folded_to_hotkeys(self, snap_compare: Compare,
                                              demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened())

    def test_80x24_codebook_unfolded_below(self, snap_compare: Compare,
                                           demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened("K"))

    def test_120x40(self, snap_compare: Compare, demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=(120, 40), run_before=opened())
