"""The codebook's history: every stored version, who made it, when and what it changed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList

from kodebog.codebook_live import VersionInfo
from kodebog.i18n import N_, _, formats, ngettext


def version_line(version: VersionInfo) -> str:
    """``v12  2026-12-06 23:01  anna  merged 'a' into 'b' (…)``"""
    when = formats.datetime(version.at)
    return f"v{version.id:<4} {when}  {version.by or '-':<10} {version.change}"


class CodebookHistoryDialog(ModalScreen[None]):
    """Newest first; esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="codebook_history.close"),
    ]
    DEFAULT_CSS = """
    CodebookHistoryDialog {
        align: center middle;
        & > Vertical {
            width: 78; height: 22; border: thick $accent; background: $panel; padding: 0 1;
        }
        & .caption { color: $text-muted; }
        & OptionList { height: 1fr; }
    }
    """

    def __init__(self, versions: list[VersionInfo]) -> None:
        super().__init__()
        self.versions = versions

    def compose(self) -> ComposeResult:
        """Title and the versions."""
        with Vertical():
            count = len(self.versions)
            yield Label(ngettext("Codebook history · {count} version, newest first",
                                 "Codebook history · {count} versions, newest first", count
                                 ).format(count=formats.number(count)))
            yield Label(_("ctrl+z on the coding screen undoes your last change · esc closes"),
                        classes="caption")
            yield OptionList(*[Text(version_line(v)) for v in self.versions], id="versions")

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
