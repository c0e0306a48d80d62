"""Search hits: where each is, who said it, and the text around the highlighted words."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kodebog.i18n import N_, _
from kodebog.search import SearchHit

SNIPPET = 220


def snippet(hit: SearchHit, width: int = SNIPPET) -> Text:
    """The hit's text around its first highlight, with every highlight marked."""
    flat = hit.text.replace("\n", " ")
    start = 0
    if hit.highlights and hit.highlights[0][0] > width // 3:
        start = hit.highlights[0][0] - width // 4
        start = flat.rfind(" ", 0, start) + 1
    end = min(len(flat), start + width)
    text = Text(("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else ""))
    shift = 1 if start else 0
    for hs, he in hit.highlights:
        if he > start and hs < end:
            text.stylize("bold reverse", max(hs, start) - start + shift,
                         min(he, end) - start + shift)
    return text


class HitList(OptionList):
    """The hits of a search; enter opens the unit in its source."""

    HELP = N_("""\
## Hits

Units that match the search and the filters, in document order. **↑/↓** browse, **enter**
opens the unit on the coding screen with the search words highlighted.
""")

    DEFAULT_CSS = """
    HitList {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        &:focus { border: round $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = _("Hits")
        self.hits: list[SearchHit] = []

    def show(self, hits: list[SearchHit]) -> None:
        """Show these hits."""
        self.hits = hits
        self.clear_options()
        options = []
        for number, hit in enumerate(hits):
            head = Text()
            head.append(f"{hit.source} #{hit.ordinal}", style="bold")
            if hit.speaker:
                head.append(f"  {hit.speaker}")
            if hit.role:
                head.append(f" ({hit.role})", style="dim")
            options.append(Option(Text("\n").join([head, snippet(hit)]), id=str(number)))
        self.add_options(options)
        if options:
            self.highlighted = 0
