"""Asks for a short free text (a memo for a decision): ctrl+s keeps it, esc cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label

from kodebog.i18n import N_
from kodebog.tui.dialogs.text_dialog_base import FramedTextDialog


class TextDialog(FramedTextDialog[str]):
    """A title, a hint and a text area; dismisses with the text (stripped) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Keep"), id="text.save"),
        Binding("escape", "cancel", N_("Cancel"), id="text.cancel"),
    ]
    KEEP = N_("Keep")
    DEFAULT_CSS = "TextDialog > Vertical { width: 76; height: 16; }"

    def __init__(self, title: str, text: str = "", hint: str = "") -> None:
        super().__init__(title, text, "text-entry", markup=False)
        self.hint = hint

    def compose_above(self) -> ComposeResult:
        """The hint, if any."""
        if self.hint:
            yield Label(self.hint, classes="hint", markup=False)

    def action_save(self) -> None:
        """Close with the text."""
        self.dismiss(self.written())
