"""SVG snapshots of the project, coding, help and palette screens at 120x40.

The project, coding and help screens show the demo project (the bundled example material);
regenerate with ``--snapshot-update`` when that material changes, and look at the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from kodebog import coding
from kodebog.store import Store
from kodebog.tui.app import KodebogApp

from .helpers import settle, unit_id

SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
Compare = Callable[..., bool]


def code_some(store: Store) -> None:
    """Codings by anna (whole units, a span, a key quote, memos) and one by bo."""
    coding.apply_code(store, "anna", unit_id(store, "fg1", 2), "caseworker_relation",
                      key_quote=True)
    coding.apply_code(store, "anna", unit_id(store, "fg1", 2), "rules_and_system", (36, 60))
    coding.apply_code(store, "anna", unit_id(store, "fg1", 3), "caseworker_change",
                      memo="Fire på et år.")
    coding.apply_code(store, "anna", unit_id(store, "fg1", 4), "contact_center")
    coding.set_unit_memo(store, "anna", unit_id(store, "fg1", 4), "Typisk klage.")
    coding.apply_code(store, "bo", unit_id(store, "fg1", 2), "contact_center")


def opened(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Open the first source, then press ``keys``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KodebogApp)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
        await settle(app, pilot)

    return run_before


class TestProjectScreen:
    def test_demo_sources_with_progress(self, snap_compare: Compare, demo_app: KodebogApp
                                        ) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, KodebogApp)
            await settle(app, pilot)

        assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


class TestCodingScreen:
    def test_demo_units_codebook_and_detail(self, snap_compare: Compare,
                                            demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=SIZE,
                            run_before=opened(*"jjjjjj", "O", "tab", "down"))

    def test_chips_spans_memos_and_others(self, snap_compare: Compare, make_app: AppFactory,
                                          store: Store) -> None:
        code_some(store)
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened("j", "O"))

    def test_span_mode_selection(self, snap_compare: Compare, make_app: AppFactory) -> None:
        assert snap_compare(make_app(), terminal_size=SIZE,
                            run_before=opened("j", "enter", "right", "shift+right"))


class TestHelpScreen:
    def test_help_for_the_unit_list(self, snap_compare: Compare, demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened("f1"))


class TestPalette:
    def test_palette_filters_commands(self, snap_compare: Compare, demo_app: KodebogApp
                                      ) -> None:
        assert snap_compare(demo_app, terminal_size=SIZE,
                            run_before=opened("ctrl+p", "g", "o", "colon"))


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


class TestReviewScreen:
    def test_demo_agreement_of_anna_and_bo(self, snap_compare: Compare, demo_app: KodebogApp
                                           ) -> None:
        assert snap_compare(demo_app, terminal_size=SIZE, run_before=pressed("R", "down"))

    def test_disputed_unit_side_by_side(self, snap_compare: Compare, demo_app: KodebogApp
                                        ) -> None:
        assert snap_compare(demo_app, terminal_size=SIZE,
                            run_before=pressed("R", "down", "down", "down", "enter"))


class TestAuditScreen:
    def test_demo_findings_by_kind(self, snap_compare: Compare, demo_app: KodebogApp) -> None:
        assert snap_compare(demo_app, terminal_size=SIZE, run_before=pressed("A", "down"))
