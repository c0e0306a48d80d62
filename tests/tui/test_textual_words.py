"""Textual's own key descriptions and widget names reach F1 in Danish."""

from __future__ import annotations

import pytest
from textual import containers, widgets
from textual.binding import Binding
from textual.screen import Screen

from kodebog.i18n import set_language, translate
from kodebog.tui.app import KodebogApp
from kodebog.tui.textual_words import KEY_DESCRIPTIONS, WIDGET_NAMES

from .helpers import settle
from .test_language import english_words

pytestmark = pytest.mark.anyio

USED = (widgets.Button, widgets.Checkbox, widgets.DataTable, widgets.DirectoryTree,
        widgets.Input, widgets.Label, widgets.Markdown, widgets.OptionList, widgets.Select,
        widgets.SelectionList, widgets.Static, widgets.TextArea, widgets.Tree,
        containers.VerticalScroll, Screen)
"""The built-in widgets kodebog uses (``from textual.widgets import`` in ``src/``)."""


def _descriptions(cls: type) -> set[str]:
    found = set()
    for klass in cls.__mro__:
        for binding in getattr(klass, "BINDINGS", None) or ():
            text = (binding.description if isinstance(binding, Binding)
                    else binding[2] if isinstance(binding, tuple) and len(binding) > 2 else "")
            if text:
                found.add(text)
    return found


def test_every_built_in_key_description_is_marked_and_translated() -> None:
    described = set().union(*(_descriptions(cls) for cls in USED))
    assert described - set(KEY_DESCRIPTIONS) == set()
    set_language("da")
    try:
        untranslated = [text for text in described if translate(text) == text
                         and text not in ("Tekst",)]
        names = [name for name in WIDGET_NAMES.values() if translate(name) == name]
    finally:
        set_language("en")
    assert untranslated == [] and names == []


@pytest.mark.usefixtures("danish")
async def test_help_on_a_text_field_is_danish(demo_app: KodebogApp) -> None:
    app = demo_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")  # the find screen: its query is a text field
        await settle(app, pilot)
        assert isinstance(app.focused, widgets.Input)
        await pilot.press("f1")
        await settle(app, pilot)
        from kodebog.tui.screens.help import HelpScreen

        shown = app.screen
        assert isinstance(shown, HelpScreen) and shown.title_text == "Tekstfelt"
        descriptions = [row.description for row in shown.rows]
        assert "Kopiér markeret tekst" in descriptions and "Markér alt" in descriptions
        assert english_words(" ".join(descriptions)) == []
        assert shown.help_text.count("Søg i teksten") == 1  # the screen's help once
