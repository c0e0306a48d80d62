"""The codebook collapsed to a strip of hotkeys and labels, for terminals without room."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from kodebog.i18n import N_, _
from kodebog.tui.widgets.text_lines import TextLines
from kodebog.views.codebook import CodebookView

COLUMN = 20
"""The narrowest column of the strip (cells): a mark, the key, a label cut to fit."""


@dataclass(frozen=True)
class StripEntry:
    """One code in the strip."""

    key: str
    label: str
    color: str
    applied: bool


def entries(codebook: CodebookView, applied: set[str]) -> list[StripEntry]:
    """The codes with a hotkey, in codebook order; ``applied``: on the current unit."""
    return [StripEntry(code.key, code.label, code.color, code.id in applied)
            for code in codebook.codes if code.key]


def columns(width: int, count: int) -> int:
    """How many columns of at least ``COLUMN`` cells fit in ``width`` (at least one)."""
    return max(1, min(count, width // COLUMN)) if count else 1


def rows_needed(width: int, count: int) -> int:
    """Lines needed to show ``count`` codes in ``width`` cells (at least one)."""
    per_row = columns(width, count)
    return max(1, -(-count // per_row))


def strip_text(items: list[StripEntry], width: int, max_rows: int) -> Text:
    """The codes in columns, row by row; a code on the current unit is ticked (✓, not ■).

    When they do not fit in ``max_rows`` lines, the last cell says how many more there are
    and that **K** shows the whole codebook.
    """
    per_row = columns(width, len(items))
    cell = max(1, width // per_row)
    shown = items
    rest = 0
    if -(-len(items) // per_row) > max_rows:
        room = max_rows * per_row - 1
        shown, rest = items[:room], len(items) - room
    lines: list[Text] = []
    for start in range(0, len(shown), per_row):
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for item in shown[start:start + per_row]:
            entry = Text(no_wrap=True, overflow="ellipsis", end="")
            entry.append("✓ " if item.applied else "■ ",
                         style=f"bold {item.color}" if item.applied else item.color)
            entry.append(item.key, style="bold reverse" if item.applied else "bold")
            entry.append(" ")
            entry.append(item.label, style="bold" if item.applied else "")
            entry.truncate(cell - 1, overflow="ellipsis")
            entry.pad_right(cell - entry.cell_len)
            line.append_text(entry)
        lines.append(line)
    if rest:
        more = Text(_("+{count} more · K").format(count=rest), style="dim italic")
        if not lines or len(lines) < max_rows:
            lines.append(more)
        else:
            more.truncate(max(1, width - lines[-1].cell_len), overflow="ellipsis")
            lines[-1].append_text(more)
    return Text("\n", end="").join(lines)


class CodeStrip(TextLines):
    """Hotkey and label of every code, in columns across the screen; ✓ marks applied codes."""

    HELP = N_("""\
## Codebook strip

The codebook folded to one or a few lines: each code's hotkey and label, in columns. A
code on the current unit is ticked (**✓** instead of **■**, its key shown reversed).
Press a code's hotkey to toggle it, as with the full codebook.

The strip replaces the codebook panel when the terminal is too narrow for the panel beside
60 columns of text. **K** switches between the strip and the full codebook (with the
definitions); **Z** hides or shows the current unit and the suggestions.
""")

    DEFAULT_CSS = """
    CodeStrip {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[StripEntry] = []
        self.max_rows = 1

    def set_codes(self, items: list[StripEntry], max_rows: int) -> None:
        """Show these codes in at most ``max_rows`` lines (repaints only on a change)."""
        if items == self.items and max_rows == self.max_rows:
            return
        self.items = items
        self.max_rows = max(1, max_rows)
        self._lines = None
        self.refresh()

    def redraw(self) -> None:
        """Draw again (the language changed)."""
        self._lines = None
        self.refresh()

    def rows_for(self, width: int) -> int:
        """The lines the codes need at this outer width (padding taken off)."""
        return rows_needed(max(1, width - 2), len(self.items))

    def _render_text(self) -> Text:
        width = self.scrollable_content_region.width or 78
        if not self.items:
            return Text(_("No code has a hotkey."), style="dim")
        return strip_text(self.items, width, self.max_rows)
