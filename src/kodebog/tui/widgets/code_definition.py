"""The definition of the highlighted code: description, include, exclude, examples, counts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kodebog.i18n import N_, _
from kodebog.i18n.formats import number
from kodebog.views.codebook import CodeView


class CodeDefinition(VerticalScroll):
    """What a code means, so the coder can check before applying it."""

    HELP = N_("""\
## Definition

The highlighted code's description, what it includes and excludes, examples from the
codebook, its keywords, and how often it is used (here and in the whole project).
""")

    DEFAULT_CSS = """
    CodeDefinition {
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        background: $surface;
        & > Static { width: 1fr; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self.border_title = _("Definition")

    def compose(self) -> ComposeResult:
        """One static text."""
        yield Static("", id="definition-text")

    def show(self, code: CodeView | None, here: int = 0, totals: tuple[int, int] = (0, 0)
             ) -> None:
        """Show a code (None: nothing highlighted)."""
        body = self.query_one("#definition-text", Static)
        if code is None:
            body.update("")
            self.border_subtitle = ""
            return
        entry = code.entry
        text = Text()
        text.append(code.label, style=f"bold {code.color}")
        text.append(f"  {code.id}", style="dim")
        if code.key:
            text.append("  " + _("key {key}").format(key=code.key), style="dim")
        text.append("\n")
        if entry.description:
            text.append(entry.description.strip() + "\n")
        for title, items, style in (
            (_("Include"), entry.include, ""),
            (_("Exclude"), entry.exclude, ""),
            (_("Examples"), entry.examples, "italic"),
        ):
            if items:
                text.append(f"{title}\n", style="bold")
                for item in items:
                    shown = f"“{item}”" if items is entry.examples else item
                    text.append(f" • {shown}\n", style=style)
        if entry.keywords:
            text.append(_("Keywords") + " ", style="bold")
            text.append(", ".join(entry.keywords) + "\n", style="dim")
        text.rstrip()
        body.update(text)
        self.scroll_home(animate=False)
        self.show_counts(here, totals)

    def show_counts(self, here: int, totals: tuple[int, int]) -> None:
        """The code's use: units here, codings in the project (yours, everyone's)."""
        mine, everyone = totals
        self.border_subtitle = _("here {here} · project {mine} yours, {everyone} all").format(
            here=number(here), mine=number(mine), everyone=number(everyone))
