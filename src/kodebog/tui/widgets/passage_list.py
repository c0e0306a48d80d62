"""Retrieved passages as one Line API widget: only the rows on screen are drawn.

Each passage is a header (source, unit, speaker, role, coder, codes, marks), up to
``MAX_LINES`` lines of its unit around the coded characters (highlighted), its memo and a
blank line. Heights live in a Fenwick tree (``heights.py``) and are measured when a
passage first comes into view, so 100,000 passages cost one list allocation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kodebog.coding import VALENCE_MARKS
from kodebog.i18n import N_
from kodebog.tui.heights import Heights
from kodebog.tui.widgets.unit_list import contrast
from kodebog.tui.wrapping import display_text, wrap_offsets
from kodebog.views.retrieve import Passage

MAX_LINES = 5
"""Lines of a unit shown around its coded characters."""
GUTTER = 2


class PassageList(ScrollView, can_focus=True, inherit_bindings=False):
    """Passages grouped by source; enter opens the highlighted one in its source."""

    HELP = N_("""\
## Passages

Every passage that answers the codes and filters, grouped by source in document order: who
said it, the coder, the codes, ★ for a key quote, and the coded words highlighted inside
their unit (up to five lines around them). **j/k** or the arrows move, **page up/down**,
**home/end**; **enter** opens the unit on the coding screen.
""")

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", N_("Move"), key_display="j/k", id="passages.next"),
        Binding("k,up", "cursor(-1)", N_("Previous"), show=False, id="passages.previous"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="passages.page_down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="passages.page_up"),
        Binding("home", "edge(0)", N_("First"), show=False, id="passages.first"),
        Binding("end", "edge(1)", N_("Last"), show=False, id="passages.last"),
        Binding("enter", "open", N_("Open in source"), id="passages.open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "passage-list--cursor", "passage-list--bar", "passage-list--source",
        "passage-list--dim", "passage-list--mark", "passage-list--coded",
    }
    DEFAULT_CSS = """
    PassageList {
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        overflow-y: scroll;
        height: 1fr;
        & > .passage-list--cursor { background: $primary-muted; }
        & > .passage-list--bar { color: $accent; }
        & > .passage-list--source { color: $text-primary; text-style: bold; }
        & > .passage-list--dim { color: $text-muted; }
        & > .passage-list--mark { color: $text-accent; }
        & > .passage-list--coded { text-style: bold; }
    }
    """

    class Opened(Message):
        """Enter on a passage."""

        def __init__(self, passage: Passage) -> None:
            self.passage = passage
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.passages: Sequence[Passage] = ()
        self.codes: Mapping[str, tuple[str, str]] = {}  # id -> (label, colour)
        self.cursor = 0
        self.heights = Heights(0, 4)
        self._width = 0
        self._strips: LRUCache[int, list[Strip]] = LRUCache(512)
        self._styles: dict[str, Style] = {}

    # data in

    def show(self, passages: Sequence[Passage], codes: Mapping[str, tuple[str, str]],
             cursor: int = 0) -> None:
        """Show these passages with the cursor on ``cursor``."""
        self.passages = passages
        self.codes = codes
        self.cursor = max(0, min(cursor, len(passages) - 1)) if passages else 0
        self._relayout()
        self.scroll_to(y=self.heights.top(self.cursor), animate=False, immediate=True)
        self._settle()
        self.refresh()

    @property
    def current(self) -> Passage | None:
        """The highlighted passage."""
        return self.passages[self.cursor] if self.passages else None

    # layout

    @property
    def _text_width(self) -> int:
        return max(10, self.scrollable_content_region.width - GUTTER)

    def _relayout(self) -> None:
        self._strips.clear()
        self._width = self._text_width
        sample = range(self.cursor, min(len(self.passages), self.cursor + 40))
        measured = {i: len(self._lines(i)) for i in sample}  # drawn once, kept for the screen
        estimate = round(sum(measured.values()) / len(measured)) if measured else 4
        self.heights = Heights(len(self.passages), estimate)
        for index, height in measured.items():
            self.heights.set(index, height)
        self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.heights.total)

    def _settle(self) -> None:
        """Measure the passages on screen."""
        if not self.passages:
            return
        if self._text_width != self._width:
            self._relayout()
        top = round(self.scroll_y)
        bottom = top + max(1, self.scrollable_content_region.height)
        index = self.heights.index_at(top)
        changed = False
        while index < len(self.passages) and self.heights.top(index) < bottom:
            if not self.heights.is_measured(index):
                changed |= self.heights.set(index, len(self._lines(index)))
            index += 1
        if changed:
            self._update_virtual_size()

    def on_resize(self, event: events.Resize) -> None:
        """Wrap again at the new width."""
        if self._text_width != self._width:
            self._relayout()
            self._scroll_to_cursor()
            self._settle()

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Measure what scrolled into view before it is drawn."""
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._settle()

    # drawing

    def notify_style_update(self) -> None:
        """The theme changed: draw everything again."""
        super().notify_style_update()
        self._styles = {}
        self._strips.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = (self.rich_style if not name else
                                          self.get_component_rich_style(
                                              f"passage-list--{name}", partial=True))
        return style

    def render_line(self, y: int) -> Strip:
        """One line of the list."""
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        if not self.passages or line >= self.heights.total:
            return Strip.blank(width, self._style(""))
        index = self.heights.index_at(line)
        strips = self._lines(index)
        offset = line - self.heights.top(index)
        return strips[offset] if offset < len(strips) else Strip.blank(width, self._style(""))

    def _lines(self, index: int) -> list[Strip]:
        strips = self._strips.get(index)
        if strips is None:
            strips = self._strips[index] = self._draw(index)
        return strips

    def _draw(self, index: int) -> list[Strip]:
        passage = self.passages[index]
        width = self._text_width + GUTTER
        plain = self._style("")
        is_cursor = index == self.cursor
        base = plain + self._style("cursor") if is_cursor else plain
        bar = Segment("▌ " if is_cursor else "  ", base + self._style("bar"))
        strips = []
        if index == 0 or self.passages[index - 1].source_id != passage.source_id:
            title = Segment(f"■ {passage.source}", plain + self._style("source"))
            strips.append(Strip([title]).crop(0, width).adjust_cell_length(width, plain))
        header = [bar, Segment(f"#{passage.unit} ", base + self._style("source"))]
        who = passage.speaker or passage.participant
        if who:
            header.append(Segment(who, base))
        if passage.role and not (who or "").casefold().startswith(passage.role):
            header.append(Segment(f" ({passage.role})", base + self._style("dim")))
        header.append(Segment(f" · {passage.coder}", base + self._style("dim")))
        if passage.key_quote:
            header.append(Segment(" ★", base + self._style("mark")))
        if passage.valence in VALENCE_MARKS:
            header.append(Segment(f" {VALENCE_MARKS[passage.valence]}",
                                  base + self._style("mark")))
        for code in passage.codes:
            label, color = self.codes.get(code, (code, "#888888"))
            header += [Segment(" ", base),
                       Segment(f" {label} ", Style(bgcolor=color, color=contrast(color)))]
        strips.append(Strip(header).crop(0, width).adjust_cell_length(width, base))
        strips += self._text_lines(passage, base, bar, width)
        if passage.memo:
            memo = " ".join(passage.memo.split())
            strips.append(Strip([bar, Segment(f"✎ {memo}", base + self._style("mark"))])
                          .crop(0, width).adjust_cell_length(width, base))
        strips.append(Strip.blank(width, plain))
        return strips

    def _text_lines(self, passage: Passage, base: Style, bar: Segment,
                    width: int) -> list[Strip]:
        text_width = self._text_width
        lines = wrap_offsets(passage.unit_text, text_width)
        first = next((n for n, (_s, e) in enumerate(lines) if e > passage.start), 0)
        begin = max(0, min(first - 1, len(lines) - MAX_LINES))
        window = lines[begin:begin + MAX_LINES]
        text = Text(display_text(passage.unit_text), style=base, no_wrap=True, end="")
        _label, color = self.codes.get(passage.code, (passage.code, "#888888"))
        text.stylize(self._style("coded") + Style(color=color), passage.start, passage.end)
        console = self.app.console
        out = []
        for number, (start, end) in enumerate(window):
            segments = [bar, *Segment.apply_style(text[start:end].render(console, end=""),
                                                  style=base)]
            if number == len(window) - 1 and begin + len(window) < len(lines):
                segments.append(Segment(" …", base + self._style("dim")))
            out.append(Strip(segments).crop(0, width).adjust_cell_length(width, base))
        return out

    # moving

    def move_to(self, index: int) -> None:
        """Put the cursor on a passage and scroll it into view."""
        if not self.passages:
            return
        index = max(0, min(index, len(self.passages) - 1))
        previous, self.cursor = self.cursor, index
        self._strips.discard(previous)
        self._strips.discard(index)
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        top = self.heights.top(self.cursor)
        height = self.heights.height(self.cursor)
        viewport = max(1, self.scrollable_content_region.height)
        y = round(self.scroll_y)
        if top < y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + height > y + viewport:
            self.scroll_to(y=max(0, top + height - viewport), animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        """Next or previous passage."""
        self.move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        """A screenful on or back."""
        viewport = max(1, self.scrollable_content_region.height)
        line = self.heights.top(self.cursor) + step * viewport
        self.move_to(self.heights.index_at(max(0, line)))

    def action_edge(self, end: int) -> None:
        """First or last passage."""
        self.move_to(len(self.passages) - 1 if end else 0)

    def action_open(self) -> None:
        """Open the passage in its source."""
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on a passage (a double click opens it)."""
        line = round(self.scroll_y) + event.y
        if self.passages and line < self.heights.total:
            self.move_to(self.heights.index_at(line))
            if event.chain > 1:
                self.action_open()
