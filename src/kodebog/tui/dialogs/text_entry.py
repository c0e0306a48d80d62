"""Asks for a short free text (a memo for a decision): ctrl+s keeps it, esc cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class TextDialog(ModalScreen[str | None]):
    """A title, a hint and a text area; dismisses with the text (stripped) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Keep", id="text.save"),
        Binding("escape", "cancel", "Cancel", id="text.cancel"),
    ]
    DEFAULT_CSS = """
    TextDialog {
        align: center middle;
        & > Vertical {
            width: 76;
            height: 16;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & .hint { color: $text-muted; }
        & TextArea { height: 1fr; margin: 1 0; }
        & Horizontal { height: auto; align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, title: str, text: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.initial = text
        self.hint = hint

    def compose(self) -> ComposeResult:
        """Title, hint, text and buttons."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            if self.hint:
                yield Label(self.hint, classes="hint", markup=False)
            yield TextArea(self.initial, id="text-entry")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Keep (ctrl+s)", variant="primary", id="save")

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Keep or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Close with the text."""
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        """Close without a text."""
        self.dismiss(None)
