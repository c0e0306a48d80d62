"""A base for widgets that draw a rich Text as cached lines (Line API: cheap to repaint)."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget


class TextLines(Widget):
    """Draws ``self.text`` wrapped to the widget's width; ``show`` repaints, never relayouts.

    Textual's Static goes through its general visual pipeline on every repaint; for the
    panels that change on every key press this base keeps the wrapped lines until the text
    or the width changes. A subclass may set ``top`` to draw from a later wrapped line.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = Text()
        self._lines: list[Strip] | None = None
        self._key: tuple[int, str] | None = None
        self._blank = Strip.blank(0)
        self._starts: list[int] = []
        self.top = 0
        """The first wrapped line drawn (0 unless a subclass scrolls)."""

    def show_text(self, text: Text) -> None:
        """Show this text; repaints only if it differs from what is shown."""
        if text.plain == self.text.plain and text.spans == self.text.spans:
            return
        self.text = text
        self._lines = None
        self.refresh()

    def notify_style_update(self) -> None:
        """The theme changed: draw again."""
        super().notify_style_update()
        self._lines = None

    def _render_text(self) -> Text:
        """The text to draw (subclasses may compose it at draw time)."""
        return self.text

    def _strips(self, width: int) -> list[Strip]:
        if self._lines is None or self._key != (width, self.app.theme):
            base = self.rich_style
            console = self.app.console
            self._lines = []
            self._starts = []
            for line in self._render_text().split("\n", allow_blank=True):
                self._starts.append(len(self._lines))
                if line.cell_len <= width:  # most lines fit: skip rich's wrapping
                    segments = list(line.render(console, end=""))
                    self._lines.append(Strip(Segment.apply_style(segments, style=base))
                                       .adjust_cell_length(width, base))
                    continue
                options = console.options.update(width=max(1, width), height=None)
                for wrapped in console.render_lines(line, options, style=base, pad=False):
                    self._lines.append(Strip(Segment.apply_style(wrapped, style=base))
                                       .adjust_cell_length(width, base))
            self._blank = Strip.blank(width, base)
            self._key = (width, self.app.theme)
        return self._lines

    def _row(self, line: int) -> int:
        """The first wrapped line of the text's ``line``-th line (after ``_strips``)."""
        return self._starts[line] if line < len(self._starts) else len(self._lines or ())

    def render_line(self, y: int) -> Strip:
        """One line of the wrapped text, or a blank line below it."""
        width = self.scrollable_content_region.width
        lines = self._strips(width)
        y += self.top
        if y < len(lines):
            return lines[y]
        return self._blank

    def on_resize(self) -> None:
        """Wrap again at the new width."""
        self._lines = None

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The words selected with the mouse, as drawn (for copying with ctrl+c)."""
        lines = self._strips(self.scrollable_content_region.width)[self.top:]
        return selection.extract("\n".join(line.text.rstrip() for line in lines)), "\n"
