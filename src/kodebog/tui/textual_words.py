"""Textual's own words that reach the screen: its widgets' key descriptions and names.

Textual's built-in widgets (text fields, tables, lists ...) bring their own key bindings with
English descriptions, and F1 lists them when such a widget has the focus. They are marked here
so that the catalogue translates them; ``translate(binding.description)`` (the key footer and
F1) then finds them like kodebog's own. A test fails when a built-in widget kodebog uses gains
a description that is not here.
"""

from __future__ import annotations

from kodebog.i18n import N_, translate

KEY_DESCRIPTIONS = (
    # App, Screen, buttons and toggles
    N_("Quit"), N_("Press button"), N_("Toggle"), N_("Toggle option"), N_("Show menu"),
    N_("Focus Next"), N_("Focus Previous"), N_("Next option"), N_("Previous option"),
    N_("Next tab"), N_("Previous tab"), N_("Select"), N_("Submit"),
    # moving in tables and lists
    N_("Cursor up"), N_("Cursor down"), N_("Cursor left"), N_("Cursor right"),
    N_("Cursor Up"), N_("Cursor Down"), N_("Up"), N_("Down"), N_("First"), N_("Last"),
    N_("Top"), N_("Bottom"), N_("Home"), N_("End"), N_("Page up"), N_("Page down"),
    N_("Page Up"), N_("Page Down"), N_("Page Left"), N_("Page Right"),
    N_("Scroll Up"), N_("Scroll Down"), N_("Scroll Left"), N_("Scroll Right"),
    N_("Scroll Home"), N_("Scroll End"),
    # trees
    N_("Cursor to parent"), N_("Cursor to next sibling"), N_("Cursor to previous sibling"),
    N_("Cursor to next ancestor"), N_("Expand or collapse all"),
    # text fields
    N_("Copy selected text"), N_("Cut selected text"), N_("Paste text from the clipboard"),
    N_("Select all"), N_("Go to start"), N_("Go to end"), N_("Select line start"),
    N_("Select line end"), N_("Move cursor left"), N_("Move cursor right or accept the "
                                                      "completion suggestion"),
    N_("Move cursor left and select"), N_("Move cursor right and select"),
    N_("Move cursor left a word"), N_("Move cursor right a word"),
    N_("Move cursor left a word and select"), N_("Move cursor right a word and select"),
    N_("Delete character left"), N_("Delete character right"),
    N_("Delete left to start of word"), N_("Delete right to start of word"),
    N_("Delete all to the left"), N_("Delete all to the right"),
    # text areas (memos, code definitions)
    N_("Copy"), N_("Cut"), N_("Paste"), N_("Undo"), N_("Redo"), N_("Select line"),
    N_("Delete line"), N_("Delete to line start"), N_("Delete to line end"),
    N_("Cursor line start"), N_("Cursor line end"), N_("Cursor word left"),
    N_("Cursor word right"), N_("Cursor page up"), N_("Cursor page down"),
    N_("Cursor up select"), N_("Cursor down select"), N_("Cursor left select"),
    N_("Cursor right select"), N_("Cursor left word select"), N_("Cursor right word select"),
    N_("Cursor line start select"), N_("Cursor line end select"),
)
"""Every description of a built-in widget's keys that kodebog shows (Textual 8.2)."""

WIDGET_NAMES = {
    "Input": N_("Text field"),
    "TextArea": N_("Text area"),
    "DataTable": N_("Table"),
    "Select": N_("Drop-down list"),
    "SelectionList": N_("Check list"),
    "Checkbox": N_("Check box"),
    "RadioSet": N_("Choices"),
    "RadioButton": N_("Choice"),
    "Switch": N_("Switch"),
    "Button": N_("Button"),
    "OptionList": N_("List"),
    "ListView": N_("List"),
    "Tree": N_("Tree"),
    "Tabs": N_("Tabs"),
    "Markdown": N_("Text"),
    "Static": N_("Text"),
    "Screen": N_("Screen"),
    "VerticalScroll": N_("Scrolling area"),
    "ScrollableContainer": N_("Scrolling area"),
    "ScrollView": N_("Scrolling area"),
}
"""Built-in widget classes -> what F1 calls them (kodebog's own widgets name themselves)."""


def widget_name(class_name: str) -> str:
    """A widget's name in the language in use: a built-in one's, else its class name."""
    name = WIDGET_NAMES.get(class_name)
    return translate(name) if name is not None else class_name
