"""Asks once for the coder's name, which is then remembered in the settings."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from kodebog.i18n import N_, _


class CoderNameDialog(ModalScreen[str]):
    """Who is coding? Every coding is stored under this name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", N_("Quit"), id="coder.quit"),
    ]
    DEFAULT_CSS = """
    CoderNameDialog {
        align: center middle;
        & > Vertical {
            width: 60;
            height: auto;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & Label { margin-bottom: 1; width: 100%; }
    }
    """

    def compose(self) -> ComposeResult:
        """A question and an input."""
        with Vertical():
            yield Label("[b]" + _("Who is coding?") + "[/b]\n" + _(
                "Your codings, memos and undo history are kept under this name. It is "
                "remembered for next time."))
            yield Input(placeholder=_("Your name or initials"), id="coder-name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Accept a non-empty name."""
        name = event.value.strip()
        if name:
            self.dismiss(name)
        else:
            self.notify(_("Type a name first."), severity="warning")
