"""Asks where to write what a screen shows (.xlsx, .csv or .docx)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from kodebog.i18n import N_, _


@dataclass(frozen=True)
class ExportChoice:
    """The file to write and whether personal data may go with it."""

    path: Path
    allow_personal_data: bool


class ExportViewDialog(ModalScreen[ExportChoice | None]):
    """A file name; enter writes, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="export.cancel"),
    ]
    DEFAULT_CSS = """
    ExportViewDialog {
        align: center middle;
        & > Vertical {
            width: 70;
            height: auto;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, title: str, default: str, formats: str, *,
                 personal_data: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.formats = formats
        self.personal_data = personal_data

    def compose(self) -> ComposeResult:
        """File name, the consent box, a hint."""
        with Vertical():
            yield Label(self.title_text)
            yield Input(self.default, id="export-path")
            if self.personal_data:
                yield Checkbox(_("Include personal data (consent given)"), id="export-personal",
                               compact=True)
            yield Label(_("{formats} · enter writes · esc cancels").format(formats=self.formats),
                        classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Write to the file named."""
        value = event.value.strip()
        if not value:
            self.notify(_("Name a file."), severity="warning")
            return
        allow = bool(self.personal_data and self.query_one("#export-personal", Checkbox).value)
        self.dismiss(ExportChoice(Path(value).expanduser(), allow))

    def action_cancel(self) -> None:
        """Close without writing."""
        self.dismiss(None)
