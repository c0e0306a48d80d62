"""F1: what the focused widget does and every key that works there now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from kodebog.i18n import N_, _


@dataclass(frozen=True)
class KeyRow:
    """One binding as the help lists it."""

    group: str
    keys: str
    description: str
    binding_id: str
    enabled: bool = True


class HelpScreen(ModalScreen[None]):
    """Help for the focused widget: its description and the keys that apply.

    The caller passes the help text and key descriptions already translated.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", N_("Close help"), id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > Vertical {
            width: 96;
            max-width: 100%;
            height: 90%;
            border: thick $accent;
            border-title-color: $text;
            background: $panel;
            padding: 0 1;
        }
        & Markdown { margin: 0; padding: 0; background: $panel; }
        & #help-keys { margin-top: 1; }
    }
    """

    def __init__(self, title: str, help_text: str, rows: list[KeyRow]) -> None:
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.rows = rows

    def compose(self) -> ComposeResult:
        """The widget's help, then a table of keys."""
        with Vertical() as box:
            box.border_title = _("Help · {title}").format(title=self.title_text)
            box.border_subtitle = _("esc closes · keys can be remapped by id in settings.yaml")
            with VerticalScroll():
                yield Markdown(self.help_text)
                yield Static(self._table(), id="help-keys")

    def _table(self) -> Table:
        table = Table(expand=True, box=None, show_edge=False, pad_edge=False)
        table.add_column(_("Key"), style="bold", no_wrap=True, width=16)
        table.add_column(_("Does"), ratio=1)
        table.add_column(_("Id (for settings.keys)"), style="dim", no_wrap=True)
        group = None
        for row in self.rows:
            if row.group != group:
                group = row.group
                table.add_row(Text(group, style="bold underline"), "", "")
            style = "" if row.enabled else "dim strike"
            table.add_row(Text(row.keys, style=style), Text(row.description, style=style),
                          row.binding_id)
        return table

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
