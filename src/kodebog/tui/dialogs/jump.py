"""Asks for a unit number to jump to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from kodebog.i18n import N_, _, formats


class JumpDialog(ModalScreen[int | None]):
    """Go to the unit with this number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="jump.cancel"),
    ]
    DEFAULT_CSS = """
    JumpDialog {
        align: center middle;
        & > Vertical {
            width: 40;
            height: auto;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
    }
    """

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        """A number input."""
        with Vertical():
            yield Label(_("Go to unit (1–{count}):").format(count=formats.number(self.count)))
            yield Input(type="integer", id="unit-number")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Accept a number in range."""
        try:
            number = int(event.value)
        except ValueError:
            number = 0
        if 1 <= number <= self.count:
            self.dismiss(number)
        else:
            self.notify(_("Type a number from 1 to {count}.").format(
                count=formats.number(self.count)), severity="warning")

    def action_cancel(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
