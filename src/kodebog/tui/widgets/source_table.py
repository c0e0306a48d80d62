"""The project's sources as a table with each one's coding progress."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from kodebog.queries import SourceInfo

KIND_LABELS = {
    "focus_group": "focus group",
    "interview": "interview",
    "survey": "survey",
    "document": "document",
}
BAR_WIDTH = 20


def progress_bar(share: float, width: int = BAR_WIDTH) -> Text:
    """A text progress bar with the percentage."""
    filled = round(share * width)
    text = Text()
    text.append("█" * filled, style="green" if share >= 1 else "cyan")
    text.append("░" * (width - filled), style="dim")
    text.append(f" {share:>4.0%}")
    return text


class SourceTable(DataTable[str | Text]):
    """Sources with kind, units, words and the share of units you have coded."""

    HELP = """\
## Sources

The sources of the project with their kind, number of units and words, and how much of
each you have coded. **enter** opens the highlighted source for coding; **/** searches
the whole project. The filters above narrow the list by kind and by participant attribute.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="sources.open"),
    ]
    DEFAULT_CSS = """
    SourceTable {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        &:focus { border: round $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.border_title = "Sources"
        self.names: list[str] = []  # of the rows shown, in order

    def on_mount(self) -> None:
        """Set up the columns."""
        self.add_column("Source", key="name")
        self.add_column("Kind", key="kind")
        self.add_column(Text("Units", justify="right"), key="units")
        self.add_column(Text("Words", justify="right"), key="words")
        self.add_column(Text("People", justify="right"), key="people")
        self.add_column("Coded by you", key="coded")

    def show(self, sources: list[SourceInfo], done: set[int] | frozenset[int] = frozenset()
             ) -> None:
        """Show these sources (``done``: ids marked done), keeping the highlighted one."""
        current = None
        if self.row_count and 0 <= self.cursor_row < self.row_count:
            current = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self.clear()
        for source in sources:
            self.add_row(
                source.name,
                KIND_LABELS.get(source.kind, source.kind),
                Text(f"{source.units:,}".replace(",", "."), justify="right"),
                Text(f"{source.words:,}".replace(",", "."), justify="right"),
                Text(f"{source.participants:,}".replace(",", "."), justify="right"),
                progress_bar(source.coded_share).append(
                    "  ✓ done" if source.id in done else "", style="green"),
                key=str(source.id),
            )
        self.names = [source.name for source in sources]
        if current is not None:
            for number, source in enumerate(sources):
                if str(source.id) == current:
                    self.move_cursor(row=number, animate=False)

    def select_source(self, name: str) -> bool:
        """Put the cursor on the source with this name; False if it is not shown."""
        if name not in self.names:
            return False
        self.move_cursor(row=self.names.index(name), animate=False)
        return True
