"""Asks for one line of text (a name, a role, an attribute value); enter keeps it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from kodebog.i18n import N_, _


class ValueDialog(ModalScreen[str | None]):
    """A label, an input and a hint; dismisses with the text, or None on esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="value.cancel"),
    ]
    DEFAULT_CSS = """
    ValueDialog {
        align: center middle;
        & > Vertical {
            width: 64;
            height: auto;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        """Title, input, hint."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield Input(self.value, id="value-input")
            yield Label(self.hint or _("enter keeps · esc cancels"), classes="hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Keep the text."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)
