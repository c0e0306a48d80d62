"""Shows an error the user can act on."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from kodebog.i18n import N_, _


class ErrorDialog(ModalScreen[None]):
    """A message and an OK button."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", N_("Close"), id="error.close"),
    ]
    DEFAULT_CSS = """
    ErrorDialog {
        align: center middle;
        & > Vertical {
            width: 70;
            height: auto;
            border: thick $error;
            background: $panel;
            padding: 1 2;
        }
        & Button { margin-top: 1; }
    }
    """

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        """Title, message, OK."""
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield Label(self.message, markup=False)
            yield Button(_("OK"), variant="error", id="ok")

    def on_button_pressed(self) -> None:
        """Close."""
        self.dismiss(None)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
