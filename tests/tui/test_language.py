"""The TUI speaks the language in use, and switches it live from the palette."""

from __future__ import annotations

import re

import pytest
import yaml
from textual.pilot import Pilot

from kodebog.i18n import language
from kodebog.settings import load_settings
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.help import HelpScreen
from kodebog.tui.screens.project import ProjectScreen
from kodebog.tui.screens.review import ReviewScreen
from kodebog.tui.screens.settings import SettingsScreen

from .helpers import settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)

ENGLISH = re.compile(r"\b(Open|Save|Quit|Help|Search|Source|Sources|Code|Codes|Units|Coder|"
                     r"Settings|Cancel|Close|Import|Find|Kind|Words|People|Agreement|Language|"
                     r"Theme|Review|Audit|the|and|of)\b")
"""Common English words of the TUI."""


def screen_text(app: KodebogApp) -> str:
    """The text on screen now, line by line (what a terminal shows)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def english_words(text: str) -> list[str]:
    """The English words in ``text`` (the demo data's Danish has none; the settings file's
    path under pytest's temporary folder, ``/tmp/pytest-of-USER/...``, is not text)."""
    return sorted({match.group(0) for match in ENGLISH.finditer(text.replace("pytest-of-", ""))})


async def open_palette_command(app: KodebogApp, pilot: Pilot[None], query: str) -> None:
    """Run the first palette command matching ``query``."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    for key in query:
        await pilot.press("space" if key == " " else key)
    await pilot.pause(0.6)
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.mark.usefixtures("danish")
async def test_project_review_help_and_settings_screens_show_no_english(
        demo_app: KodebogApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(demo_app, pilot)
        seen: dict[str, str] = {}
        assert isinstance(demo_app.screen, ProjectScreen)
        seen["project"] = screen_text(demo_app)
        await pilot.press("f1")
        await settle(demo_app, pilot)
        assert isinstance(demo_app.screen, HelpScreen)
        seen["help"] = screen_text(demo_app)
        await pilot.press("escape")
        demo_app.action_settings()
        await settle(demo_app, pilot)
        assert isinstance(demo_app.screen, SettingsScreen)
        seen["settings"] = screen_text(demo_app)
        await pilot.press("escape")
        await pilot.press("R")
        await settle(demo_app, pilot)
        assert isinstance(demo_app.screen, ReviewScreen)
        seen["review"] = screen_text(demo_app)
        await pilot.press("f1")
        await settle(demo_app, pilot)
        seen["review help"] = screen_text(demo_app)
    assert "Kilder" in seen["project"] and "Afslut" in seen["project"]
    assert "Enighed pr. kode" in seen["review"]
    assert "Sprog" in seen["settings"] and "Dansk" in seen["settings"]
    assert {name: english_words(text) for name, text in seen.items()} == {
        name: [] for name in seen}


async def test_the_palette_switches_the_language_live_and_saves_it(
        demo_app: KodebogApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(demo_app, pilot)
        assert "Sources" in screen_text(demo_app)
        await open_palette_command(demo_app, pilot, "Language: Dansk")
        await pilot.pause(0.3)
        assert language() == "da"
        text = screen_text(demo_app)
        assert "Kilder" in text and "Afslut" in text and "Enheder" in text
        assert english_words(text) == []
        assert load_settings().language == "da"
        await open_palette_command(demo_app, pilot, "Sprog")  # the first match
        await pilot.pause(0.3)
        assert language() == "en"
        text = screen_text(demo_app)
        assert "Sources" in text and "Quit" in text
    saved = yaml.safe_load(load_settings().path.read_text(encoding="utf-8"))
    assert saved["language"] == "en"


async def test_the_settings_screen_shows_coder_language_and_theme(
        demo_app: KodebogApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(demo_app, pilot)
        await open_palette_command(demo_app, pilot, "Settings")
        assert isinstance(demo_app.screen, SettingsScreen)
        text = screen_text(demo_app)
        assert "anna" in text and "English" in text and "dark" in text
        await pilot.press("l")
        await settle(demo_app, pilot)
        await pilot.pause(0.3)
        text = screen_text(demo_app)
        assert "Indstillinger" in text and "Dansk" in text and "mørkt" in text
        await pilot.press("escape")
        await settle(demo_app, pilot)
        assert "Kilder" in screen_text(demo_app)
