"""A new recommendation for the report: title, text and the themes it answers (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, SelectionList

from kodebog.i18n import N_, _
from kodebog.tui.dialogs.text_dialog_base import FramedTextDialog


@dataclass(frozen=True)
class RecommendationDraft:
    """What the analyst wrote; the screen stores it (``add_recommendation``) in a worker."""

    title: str
    text: str
    codes: tuple[str, ...]


class RecommendationDialog(FramedTextDialog[RecommendationDraft]):
    """Title on top, the text in the middle, the themes it answers below."""

    KEEP = N_("Add")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Add"), id="recommendation.save"),
        Binding("escape", "cancel", N_("Cancel"), id="recommendation.cancel"),
    ]
    DEFAULT_CSS = """
    RecommendationDialog {
        & > Vertical { width: 76; height: 22; }
        & TextArea { height: 5; margin: 0; }
        & SelectionList { height: 1fr; min-height: 3; }
        & Input { margin: 0; }
    }
    """

    def __init__(self, themes: Sequence[tuple[str, str]], chosen: Sequence[str] = ()) -> None:
        super().__init__("[b]" + _("Recommendation") + "[/b] · " + _(
            "title, text (ctrl+s adds it)"), "", "recommendation-text")
        self.themes = list(themes)
        self.chosen = set(chosen)

    def compose_above(self) -> ComposeResult:
        """The title."""
        yield Input(placeholder=_("Title, e.g. Én fast sagsbehandler gennem forløbet"),
                    id="recommendation-title")

    def compose_below(self) -> ComposeResult:
        """The themes it answers (space ticks one)."""
        yield Label(_("Answers the themes (space ticks):"), classes="hint")
        yield SelectionList[str](*[(label, code, code in self.chosen)
                                   for code, label in self.themes],
                                 id="recommendation-themes")

    def on_mount(self) -> None:
        """Start with the title (after the frame has focused its text area)."""
        self.call_after_refresh(self.query_one(Input).focus)

    def action_save(self) -> None:
        """Close with the draft, or say what is missing."""
        title = " ".join(self.query_one(Input).value.split())
        if not title:
            self.notify(_("Give the recommendation a title."), severity="warning")
            self.query_one(Input).focus()
            return
        codes = tuple(self.query_one(SelectionList).selected)
        self.dismiss(RecommendationDraft(title, self.written(), codes))
