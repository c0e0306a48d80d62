"""One coder's version of a disputed unit: the unit text with that coder's spans highlighted."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widgets import Static

from kodebog.comparison import Disagreement
from kodebog.i18n import _
from kodebog.tui.widgets.text_lines import TextLines


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def highlighted(text: str, spans: list[tuple[int, int]], color: str, background: Color
                ) -> Text:
    """The unit text with ``spans`` on a tint of the code's colour, underlined."""
    shown = Text(text)
    tint = background.blend(Color.parse(color), 0.45)
    style = Style(bgcolor=tint.rich_color, underline=True)
    for start, end in spans:
        shown.stylize(style, start, end)
    return shown


class DisputePanel(VerticalScroll, can_focus=False):
    """A coder's codings of the disputed code on the unit, in the unit's text."""

    DEFAULT_CSS = """
    DisputePanel {
        width: 1fr;
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
        &.coded { border: round $success; }
        &.absent { border: round $warning; }
    }
    """

    def __init__(self, letter: str, coder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.letter = letter
        self.coder = coder
        self.border_title = f"{letter} · {coder}" if letter else coder
        self._shown: tuple[Disagreement, str, list[str] | None] | None = None

    def compose(self) -> ComposeResult:
        """The text."""
        yield Static("", classes="dispute-text")

    def show(self, item: Disagreement, color: str, others: list[str] | None = None) -> None:
        """Show this coder's side of ``item``; ``others``: labels of their other codes here."""
        codings: list[dict[str, Any]] = item.codings.get(self.coder, [])
        spans = [(int(c["start"]), int(c["end"])) for c in codings]
        coded = bool(item.has_code.get(self.coder))
        self.set_class(coded, "coded")
        self.set_class(not coded, "absent")
        self.border_subtitle = _("coded") if coded else _("not coded")
        background = self.styles.background if self.styles.background.a else Color(0, 0, 0)
        body = Text()
        whole = len(item.text)
        if coded:
            body.append("✓ " + _("coded") + " ", style="bold green")
            parts = [_("whole unit") if (s, e) == (0, whole) else f"{s}–{e}" for s, e in spans]
            body.append(", ".join(parts), style="dim")
        else:
            body.append("✗ " + _("not coded"), style="bold yellow")
        if others:
            body.append("\n" + _("also coded here:") + " ", style="dim")
            body.append(", ".join(others))
        body.append("\n\n")
        body.append_text(highlighted(item.text, spans, color, background))
        for coding in codings:
            if coding.get("memo"):
                body.append(f"\n\n✎ {_short(str(coding['memo']), 200)}", style="italic")
        self.query_one(".dispute-text", Static).update(body)
        self.scroll_home(animate=False)
        self._shown = (item, color, others)

    def language_changed(self) -> None:
        """Show the same dispute in the language now in use."""
        if self._shown is not None:
            item, color, others = self._shown
            self.show(item, color, others)


class DisputeStats(TextLines):
    """The code's agreement numbers and how many disputes are settled (live)."""

    DEFAULT_CSS = """
    DisputeStats { height: 1; padding: 0 1; background: $boost; }
    """


class ConsensusPanel(TextLines):
    """What the consensus coder holds for the unit, and the memo for the next decision."""

    DEFAULT_CSS = """
    ConsensusPanel {
        height: 5;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        background: $surface;
    }
    """
