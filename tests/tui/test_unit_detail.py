"""The current unit's panel keeps the selected coding in view and says what is hidden."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kodebog import coding
from kodebog.store import Store
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.widgets.unit_detail import UnitDetail

from .conftest import FG1
from .helpers import open_source, screen_text, settle, unit_id

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
# spans in unit fg1:2, "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."
SPANS = [(0, 3), (4, 17), (18, 25), (26, 30), (32, 35), (36, 41), (42, 45), (46, 60)]


def code_many(store: Store) -> None:
    """Eight span codings with memos by anna on unit 2, a unit memo and one coding by bo."""
    unit = unit_id(store, "fg1", 2)
    for n, span in enumerate(SPANS):
        coding.apply_code(store, "anna", unit, "caseworker_relation", span,
                          memo=f"Notat {n}: " + "en længere tanke om mødet " * (n % 3))
    coding.set_unit_memo(store, "anna", unit, "Enhedens memo.")
    coding.apply_code(store, "bo", unit, "contact_center")


def hidden(detail: UnitDetail) -> tuple[int, int]:
    """(above, below) as the border subtitle reports them; (0, 0) without a subtitle."""
    subtitle = detail.border_subtitle or ""
    above = re.search(r"↑ (\d+) more", subtitle)
    below = re.search(r"↓ (\d+) more", subtitle)
    return (int(above.group(1)) if above else 0, int(below.group(1)) if below else 0)


def selected_line(screen: CodingScreen, detail: UnitDetail) -> str:
    """The rendered line marked with ›, checked to be the selected coding's."""
    shown = screen_text(detail).splitlines()
    marked = [line for line in shown if line.strip().startswith("›")]
    assert len(marked) == 1, shown
    selected = screen._selected()
    assert selected is not None and selected.id == screen.selected_coding
    whole = (selected.start, selected.end) == (0, len(FG1[1][1]))
    assert ("whole unit" if whole else f"{selected.start}–{selected.end}") in marked[0]
    return marked[0]


async def test_selected_coding_stays_in_view(make_app: AppFactory, store: Store) -> None:
    code_many(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j", "O")
        await settle(app, pilot)
        detail = screen.query_one(UnitDetail)
        height = detail.scrollable_content_region.height
        total = len(detail.text.plain.splitlines())
        assert total > height  # more than fits, even without wrapping
        seen: list[str] = []
        tops: list[int] = []
        for _ in range(len(SPANS) + 1):
            line = selected_line(screen, detail)
            seen.append(line)
            tops.append(detail.top)
            # the selected coding's memo is drawn right below it
            shown = screen_text(detail).splitlines()
            assert "✎ Notat" in shown[shown.index(line) + 1]
            above, below = hidden(detail)
            assert above == detail.top
            assert above + height + below >= total
            await pilot.press("C")
            await pilot.pause()
        # every coding came into view once, then C wrapped around to the first
        assert len(set(seen[:-1])) == len(SPANS) and seen[-1] == seen[0]
        assert tops[0] == 0 and hidden(detail)[0] == 0 and hidden(detail)[1] > 0
        assert max(tops) > 0 and tops == [*sorted(tops[:-1]), 0]


async def test_last_coding_brings_memo_and_others_into_view(
        make_app: AppFactory, store: Store) -> None:
    code_many(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j", "O")
        await settle(app, pilot)
        detail = screen.query_one(UnitDetail)
        assert "Other coders" not in screen_text(detail)
        for _ in range(len(SPANS) - 1):
            await pilot.press("C")
        await pilot.pause()
        assert f"{SPANS[-1][0]}–{SPANS[-1][1]}" in selected_line(screen, detail)
        shown = screen_text(detail)
        assert "Enhedens memo." in shown and "bo:" in shown
        above, below = hidden(detail)
        assert above > 0 and below == 0
        assert detail.border_subtitle == f"↑ {above} more"


async def test_another_unit_starts_at_the_top(make_app: AppFactory, store: Store) -> None:
    code_many(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j", *["C"] * (len(SPANS) - 1))
        await pilot.pause()
        detail = screen.query_one(UnitDetail)
        assert detail.top > 0
        await pilot.press("j")
        await pilot.pause()
        assert detail.top == 0 and detail.border_subtitle is None
        await pilot.press("k")
        await pilot.pause()
        assert detail.top == 0 and hidden(detail)[1] > 0
        assert f"{SPANS[0][0]}–{SPANS[0][1]}" in selected_line(screen, detail)


async def test_few_codings_show_everything_without_subtitle(
        make_app: AppFactory, store: Store) -> None:
    unit = unit_id(store, "fg1", 2)
    coding.apply_code(store, "anna", unit, "caseworker_relation", memo="Kort notat.")
    coding.apply_code(store, "anna", unit, "rules_and_system", (36, 60))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j")
        await pilot.pause()
        detail = screen.query_one(UnitDetail)
        for _ in range(3):
            shown = screen_text(detail)
            assert "Mødet med sagsbehandleren" in shown and "Kort notat." in shown
            assert "Regler og system" in shown
            selected_line(screen, detail)
            assert detail.top == 0 and detail.border_subtitle is None
            await pilot.press("C")
            await pilot.pause()


async def test_words_selected_in_the_panel_are_what_is_copied(make_app: AppFactory,
                                                              store: Store) -> None:
    from textual.geometry import Offset
    from textual.selection import Selection

    code_many(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        detail = app.screen.query_one(UnitDetail)
        first = screen_text(detail).splitlines()[0].rstrip()
        copied = detail.get_selection(Selection(Offset(0, 0), Offset(len(first), 0)))
        assert copied is not None
        assert copied[0] == first and "UnitDetail" not in copied[0]
