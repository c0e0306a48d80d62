"""The coding screen on small terminals: 60 columns of text, hotkeys in sight, no empty panels."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widget import Widget

from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.screens.coding_layout import MIN_TEXT, plan
from kodebog.tui.widgets.code_strip import CodeStrip, StripEntry, strip_text
from kodebog.tui.widgets.codebook_tree import CodebookTree
from kodebog.tui.widgets.status_bar import StatusBar

from .helpers import open_source, settle

AppFactory = Callable[..., KodebogApp]
PANELS = ("#units", "#codebook", "#definition", "#detail", "#suggestions", "#strip")


def shown(screen: CodingScreen) -> dict[str, Widget]:
    """The panels that are displayed (themselves and every container above them)."""
    found = {}
    for selector in PANELS:
        widget = screen.query_one(selector)
        if widget.display and all(a.display for a in widget.ancestors if a is not screen.app):
            found[selector] = widget
    return found


def assert_no_panel_without_height(screen: CodingScreen) -> None:
    for selector, widget in shown(screen).items():
        assert widget.size.height > 0 and widget.size.width > 0, selector


@pytest.mark.parametrize(("width", "height"), [(80, 24), (100, 30), (120, 40), (60, 16),
                                               (200, 60), (80, 12)])
@pytest.mark.parametrize("panel", [None, True, False])
@pytest.mark.parametrize("details", [True, False])
def test_the_plan_keeps_sixty_columns_of_text_and_no_empty_panel(
        width: int, height: int, panel: bool | None, details: bool) -> None:
    layout = plan(width, height, panel=panel, details=details, strip_rows=3)
    if width >= 80:
        assert layout.units_width - 12 >= MIN_TEXT
    assert layout.side or layout.below or layout.strip, "hotkeys visible or one key away"
    assert not (layout.side and layout.below)
    for flag, size in ((layout.side, layout.side_width), (layout.below, layout.below_height),
                       (layout.strip, layout.strip_rows), (layout.bottom, layout.bottom_height)):
        assert not flag or size > 0
    used = 2 + layout.strip_rows + layout.below_height + layout.bottom_height
    assert height - used >= min(6, height - 2 - layout.strip_rows)


def test_the_plan_folds_the_codebook_when_it_does_not_fit_beside_the_text() -> None:
    assert plan(80, 24, panel=None, details=True, strip_rows=3).strip
    assert plan(100, 30, panel=None, details=True, strip_rows=3).strip
    wide = plan(120, 40, panel=None, details=True, strip_rows=3)
    assert wide.side and not wide.strip and wide.side_width == 46
    asked = plan(80, 24, panel=True, details=True, strip_rows=3)
    assert asked.below and not asked.strip and not asked.side


def test_the_strip_ticks_applied_codes_and_says_what_is_left() -> None:
    items = [StripEntry(str(n), f"Kode nummer {n}", "#ff0000", n == 2) for n in range(1, 10)]
    text = strip_text(items, 60, 2).plain.splitlines()
    assert len(text) == 2
    assert "✓ 2 Kode" in text[0] and "■ 1 Kode" in text[0]
    assert "+4 more · K" in text[1]  # 3 columns x 2 rows, one cell for the note
    every = strip_text(items, 200, 2).plain
    assert all(f" {n} Kode" in every for n in range(1, 10)) and "more" not in every


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_hotkey_is_on_screen_at_small_sizes(make_app: AppFactory,
                                                        size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_source(app, pilot)
        await settle(app, pilot)
        panels = shown(screen)
        assert "#strip" in panels and "#codebook" not in panels
        assert_no_panel_without_height(screen)
        assert screen.units._text_width >= MIN_TEXT
        strip = screen.query_one(CodeStrip)
        lines = [strip.render_line(y).text for y in range(strip.size.height)]
        assert screen.view is not None
        for code in screen.view.codebook.codes:
            if code.key:
                assert any(f" {code.key} " in line for line in lines), code.key


@pytest.mark.anyio
async def test_k_unfolds_the_codebook_below_the_units_and_folds_it_again(
        make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("K")
        await settle(app, pilot)
        panels = shown(screen)
        assert "#codebook" in panels and "#strip" not in panels
        assert_no_panel_without_height(screen)
        assert screen.units._text_width >= MIN_TEXT
        assert screen.query_one(CodebookTree).region.y > screen.units.region.y
        await pilot.press("tab")
        assert screen.focused is screen.query_one(CodebookTree)
        await pilot.press("K")
        await settle(app, pilot)
        assert "#strip" in shown(screen) and screen.focused is screen.units
        names = [command.name for command in screen.palette_commands()]
        assert "View: fold the codebook to a strip of hotkeys, or unfold it" in names


@pytest.mark.anyio
async def test_z_hides_and_shows_the_current_unit_and_suggestions(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_source(app, pilot)
        before = screen.units.size.height
        await pilot.press("Z")
        await settle(app, pilot)
        assert "#detail" not in shown(screen) and "#suggestions" not in shown(screen)
        assert screen.units.size.height > before
        await pilot.press("Z")
        await settle(app, pilot)
        assert "#detail" in shown(screen)
        assert_no_panel_without_height(screen)


@pytest.mark.anyio
async def test_the_codebook_panel_sits_beside_the_units_on_a_wide_terminal(
        make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_source(app, pilot)
        panels = shown(screen)
        assert "#codebook" in panels and "#strip" not in panels
        assert screen.query_one(CodebookTree).region.x > screen.units.region.x
        assert_no_panel_without_height(screen)
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert "#strip" in shown(screen)
        assert_no_panel_without_height(screen)


@pytest.mark.anyio
async def test_a_coded_unit_ticks_its_code_in_the_strip_and_the_tree(
        make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j", "3")
        await settle(app, pilot)
        strip = screen.query_one(CodeStrip)
        lines = " ".join(strip.render_line(y).text for y in range(strip.size.height))
        assert "✓ 3 Kontakt" in lines and "■ 1 Mødet" in lines
        tree = screen.query_one(CodebookTree)
        labels = [str(tree.get_node_at_line(n).label) for n in range(4)]  # type: ignore[union-attr]
        assert any(label.startswith("✓ 3") for label in labels)


@pytest.mark.anyio
async def test_a_status_message_clears_on_the_next_key_and_after_a_while(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from kodebog.tui.screens import coding as coding_screen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_source(app, pilot)
        status = screen.query_one(StatusBar)
        await pilot.press("j", "3")
        await settle(app, pilot)
        assert "coded Kontakt til jobcentret" in status._render_text().plain
        await pilot.press("j")
        await pilot.pause()
        assert "coded Kontakt" not in status._render_text().plain
        monkeypatch.setattr(coding_screen, "MESSAGE_SECONDS", 1.0)
        await pilot.press("O")
        await pilot.pause()
        assert "showing other coders" in status._render_text().plain
        await pilot.pause(1.5)
        assert "showing other coders" not in status._render_text().plain


@pytest.mark.anyio
async def test_a_long_message_shows_whole_and_the_place_gives_way(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_source(app, pilot)
        screen.message = "coded Kontakt til jobcentret og mere"
        screen._show_status()
        await pilot.pause()
        line = screen.query_one(StatusBar)._render_text().plain
        assert line.endswith("coded Kontakt til jobcentret og mere")
        assert "unit 1/8" in line and len(line) <= 78


@pytest.mark.anyio
async def test_switching_the_language_redraws_the_coding_screen(make_app: AppFactory) -> None:
    from kodebog.i18n import language, set_language
    from kodebog.tui.language import switch_language

    before = language()
    app = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_source(app, pilot)
            await pilot.press("j", "3")
            await settle(app, pilot)
            assert str(screen.query_one(CodebookTree).border_title).startswith("Codebook")
            switch_language(app, "da")
            await settle(app, pilot)
            assert str(screen.query_one(CodebookTree).border_title).startswith("Kodebog")
            assert screen.query_one("#definition").border_title == "Definition"
            assert screen.query_one("#suggestions").border_title == "Forslag"
            assert screen.query_one("#detail").border_title == "Enhed 2"
            assert "kodet af anna" in screen.query_one(StatusBar)._render_text().plain
            assert "fokusgruppe" in str(screen.units.border_title)
            footer = " ".join(
                screen.query_one("KeyFooter").render_line(0).text.split())  # type: ignore[attr-defined]
            assert "Kodebog" in footer and "Tilbage" in footer
    finally:
        set_language(before)


@pytest.mark.anyio
async def test_k_and_z_are_kept_for_the_next_source(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("K", "Z")
        await settle(app, pilot)
        assert "#codebook" in shown(screen) and "#detail" not in shown(screen)
        await pilot.press("escape")
        await settle(app, pilot)
        other = await open_source(app, pilot, row=1)
        assert other is not screen
        panels = shown(other)
        assert "#codebook" in panels and "#strip" not in panels and "#detail" not in panels
        assert_no_panel_without_height(other)
