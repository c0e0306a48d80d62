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


def version_line(version: VersionInfo) -> str:
    """``v12  2026-12-06 23:01  anna  merged 'a' into 'b' (…)``"""
    when = version.at.strftime("%Y-%m-%d %H:%M")
    return f"v{version.id:<4} {when}  {version.by or '-':<10} {version.change}"


class CodebookHistoryDialog(ModalScreen[None]):
    """Newest first; esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="codebook_history.close"),
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
            yield Label(f"Codebook history · {len(self.versions)} versions, newest first")
            yield Label("ctrl+z on the coding screen undoes your last change · esc closes",
                        classes="caption")
            yield OptionList(*[Text(version_line(v)) for v in self.versions], id="versions")

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
