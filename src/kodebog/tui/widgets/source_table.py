"""The project's sources as a table with each one's coding progress."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from kodebog.i18n import N_, _, formats, translate
from kodebog.queries import SourceInfo
from kodebog.source_kinds import KIND_NAMES

KIND_LABELS = KIND_NAMES
"""Each kind of source as people call it (marked: show with ``translate``)."""
BAR_WIDTH = 20
NARROW_BAR_WIDTH = 8
NAME_WIDTH = 24
NARROW = 110
"""Below this many columns the table leaves out word counts and has short bars and names,
so it fits 80 columns."""


def progress_bar(share: float, width: int = BAR_WIDTH) -> Text:
    """A text progress bar with the percentage."""
    filled = round(share * width)
    text = Text()
    text.append("█" * filled, style="green" if share >= 1 else "cyan")
    text.append("░" * (width - filled), style="dim")
    width = len(formats.percent(100, 0))  # "100%", "100 %": the widest
    text.append(f" {formats.percent(100 * share, 0):>{width}}")
    return text


class SourceTable(DataTable[str | Text]):
    """Sources with kind, units, words and the share of units you have coded."""

    HELP = N_("""\
## Sources

The sources of the project with their kind, number of units and words, and how much of
each you have coded. **enter** opens the highlighted source for coding; **/** searches
the whole project. The filters above narrow the list by kind and by participant attribute.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Open"), id="sources.open"),
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
        self.border_title = _("Sources")
        self.names: list[str] = []  # of the rows shown, in order
        self._shown: tuple[list[SourceInfo], set[int] | frozenset[int]] | None = None
        self._narrow: bool | None = None  # the columns are set up for a narrow table

    @property
    def narrow(self) -> bool:
        """Under ``NARROW`` columns: short bars, no word counts, long names cut."""
        return 0 < self.size.width < NARROW

    def on_resize(self) -> None:
        """Fewer, shorter columns when the width crosses ``NARROW`` (and back)."""
        if self._shown is not None and self._narrow != self.narrow:
            self.show(*self._shown)

    def _set_columns(self) -> None:
        self.clear(columns=True)
        self._narrow = narrow = self.narrow
        self.add_column(_("Source"), key="name", width=NAME_WIDTH if narrow else None)
        self.add_column(_("Kind"), key="kind")
        self.add_column(Text(_("Units"), justify="right"), key="units")
        if not narrow:
            self.add_column(Text(_("Words"), justify="right"), key="words")
        self.add_column(Text(_("People"), justify="right"), key="people")
        self.add_column(_("Coded by you"), key="coded")

    def language_changed(self) -> None:
        """Headers and rows in the language now in use."""
        self.border_title = _("Sources")
        self._narrow = None
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, sources: list[SourceInfo], done: set[int] | frozenset[int] = frozenset()
             ) -> None:
        """Show these sources (``done``: ids marked done), keeping the highlighted one."""
        current = self.current_source_id()
        self._shown = (sources, done)
        if self._narrow != self.narrow or not self.columns:
            self._set_columns()
        else:
            self.clear()
        narrow = self._narrow
        for source in sources:
            name = source.name
            if narrow and len(name) > NAME_WIDTH:
                name = name[: NAME_WIDTH - 1] + "…"
            words = [] if narrow else [Text(formats.number(source.words), justify="right")]
            finished = ("  ✓" if narrow else "  ✓ " + _("done")) if source.id in done else ""
            self.add_row(
                name,
                translate(KIND_LABELS.get(source.kind, source.kind)),
                Text(formats.number(source.units), justify="right"),
                *words,
                Text(formats.number(source.participants), justify="right"),
                progress_bar(source.coded_share, NARROW_BAR_WIDTH if narrow else BAR_WIDTH
                             ).append(finished, style="green"),
                key=str(source.id),
            )
        self.names = [source.name for source in sources]
        if current is not None:
            self.select_source_id(current)

    def current_source_id(self) -> str | None:
        """The id (as the row key) of the highlighted source, if any."""
        if self.row_count and 0 <= self.cursor_row < self.row_count:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None

    def select_source_id(self, source_id: str) -> None:
        """Put the cursor on the source with this id (its row key), if it is shown."""
        try:
            row = self.get_row_index(source_id)
        except RowDoesNotExist:  # filtered out
            return
        self.move_cursor(row=row, animate=False)

    def select_source(self, name: str) -> bool:
        """Put the cursor on the source with this name; False if it is not shown."""
        if name not in self.names:
            return False
        self.move_cursor(row=self.names.index(name), animate=False)
        return True
