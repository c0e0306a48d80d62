"""The units of a source as one Line API widget that draws only the rows on screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, overload

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kodebog.coding import VALENCE_MARKS
from kodebog.i18n import N_, _
from kodebog.queries import CodingInfo
from kodebog.search import Query, highlight_offsets, parse_query
from kodebog.tui.heights import Heights
from kodebog.tui.wrapping import display_text, offset_at_cell, word_spans, wrap_offsets
from kodebog.views.source import CHUNK, SourceView, UnitRow

GUTTER = 7
"""Columns left of the text: cursor mark, ordinal, space."""

ROLES = ("borger", "medarbejder", "leder", "interviewer")
Chip = tuple[str, Style]


def contrast(color: str) -> str:
    """Black or white, whichever reads better on ``color``."""
    parsed = Color.parse(color)
    return "#000000" if parsed.brightness > 0.55 else "#ffffff"


@dataclass
class SpanState:
    """Span mode on the cursor unit: a word cursor, an anchor, or a mouse-made selection."""

    words: list[tuple[int, int]]
    anchor: int = 0
    cursor: int = 0
    chars: tuple[int, int] | None = None

    @property
    def selection(self) -> tuple[int, int]:
        """The selected characters as (start, end) offsets into the unit's text."""
        if self.chars is not None:
            return self.chars
        first, last = sorted((self.anchor, self.cursor))
        return self.words[first][0], self.words[last][1]


HUGE = 20_000
"""A unit longer than this (characters) is drawn line by line as it comes into view."""


class _Window(Text):
    """A stretch of a unit's text that takes styles in the unit's offsets (shifted, clipped)."""

    def __init__(self, text: str, offset: int, **kwargs: object) -> None:
        super().__init__(text, **kwargs)  # type: ignore[arg-type]
        self.offset = offset

    def stylize(self, style: str | Style, start: int = 0, end: int | None = None) -> None:
        end = len(self) + self.offset if end is None else end
        lo, hi = max(start - self.offset, 0), min(end - self.offset, len(self))
        if lo < hi:
            super().stylize(style, lo, hi)


class _LazyStrips(Sequence[Strip]):
    """A huge unit's lines, each drawn when it is first shown (never all at once)."""

    def __init__(self, head: list[Strip], lines: list[tuple[int, int]], tail: list[Strip],
                 draw: Callable[[int, int], Strip]) -> None:
        self.head, self.lines, self.tail, self.draw = head, lines, tail, draw
        self.drawn: dict[int, Strip] = {}

    def __len__(self) -> int:
        return len(self.head) + len(self.lines) + len(self.tail)

    @overload
    def __getitem__(self, index: int) -> Strip: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Strip]: ...
    def __getitem__(self, index: int | slice) -> Strip | Sequence[Strip]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if index < len(self.head):
            return self.head[index]
        line = index - len(self.head)
        if line >= len(self.lines):
            return self.tail[line - len(self.lines)]
        strip = self.drawn.get(line)
        if strip is None:
            strip = self.drawn[line] = self.draw(*self.lines[line])
        return strip


class UnitList(ScrollView, can_focus=True, inherit_bindings=False):
    """The units of a source: speaker, timestamp, wrapped text and the codes as chips."""

    HELP = N_("""\
## Units

The units (turns, paragraphs, answers) of the open source, one after another. The unit
with the bar on the left is the **current unit**: code hotkeys, memos and key quotes act
on it.

- Move with **j**/**k** or the arrows, **page up/down**, **home/end**.
- **enter** starts *span mode*: a word cursor inside the current unit. **←/→** move it
  word by word, **shift+←/→** extend the selection; a code's hotkey then codes exactly
  the selected characters. Drag with the mouse to select any characters. **esc** leaves.
- Chips under the text are your codes on the unit (✂ marks a span, ★ a key quote,
  ✎ a memo); dimmed chips are other coders' (toggle with **O**).
- A red **⚠ personal data** in the header: the text holds what looks like personal
  data (a CPR number, a phone number, an e-mail); the current unit's panel lists it masked.
""")

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", N_("Move"), key_display="j/k", id="units.next"),
        Binding("k,up", "cursor_up", N_("Previous"), show=False, id="units.previous"),
        Binding("pagedown", "page_down", N_("Page down"), show=False, id="units.page_down"),
        Binding("pageup", "page_up", N_("Page up"), show=False, id="units.page_up"),
        Binding("home", "first", N_("First unit"), show=False, id="units.first"),
        Binding("end", "last", N_("Last unit"), show=False, id="units.last"),
        Binding("enter", "span_start", N_("Span"), id="units.span"),
        Binding("escape", "span_leave", N_("Leave"), id="units.span_leave"),
        Binding("left", "word(-1)", N_("Word left"), show=False, id="units.word_left"),
        Binding("right", "word(1)", N_("Word"), key_display="←→", id="units.word_right"),
        Binding("shift+left", "extend(-1)", N_("Extend left"), show=False, id="units.extend_left"),
        Binding("shift+right", "extend(1)", N_("Extend"), key_display="⇧←→",
                id="units.extend_right"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "unit-list--cursor",
        "unit-list--bar",
        "unit-list--ordinal",
        "unit-list--timestamp",
        "unit-list--mark",
        "unit-list--personal",
        "unit-list--evidence",
        "unit-list--placeholder",
        "unit-list--selection",
        "unit-list--hit",
        "unit-list--other",
        *(f"unit-list--role-{role}" for role in (*ROLES, "other")),
    }
    DEFAULT_CSS = """
    UnitList {
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        overflow-y: scroll;
        & > .unit-list--cursor { background: $primary-muted; }
        & > .unit-list--bar { color: $accent; }
        & > .unit-list--ordinal { color: $text-muted; }
        & > .unit-list--timestamp { color: $text-muted; }
        & > .unit-list--mark { color: $text-accent; }
        & > .unit-list--personal { color: $text-error; text-style: bold; }
        & > .unit-list--evidence { text-style: bold underline; color: $text-success; }
        & > .unit-list--placeholder { color: $text-disabled; }
        & > .unit-list--selection { background: $accent; color: $text; text-style: bold; }
        & > .unit-list--hit { background: $warning-muted; text-style: underline; }
        & > .unit-list--other { color: $text-muted; text-style: italic; }
        & > .unit-list--role-borger { color: $text-success; text-style: bold; }
        & > .unit-list--role-medarbejder { color: $text-primary; text-style: bold; }
        & > .unit-list--role-leder { color: $text-warning; text-style: bold; }
        & > .unit-list--role-interviewer { color: $text-secondary; text-style: bold; }
        & > .unit-list--role-other { color: $text-accent; text-style: bold; }
    }
    """

    class CursorMoved(Message):
        """The current unit changed (or changed content)."""

        def __init__(self, index: int, row: UnitRow | None) -> None:
            self.index = index
            self.row = row
            super().__init__()

    class SelectionChanged(Message):
        """Span mode started, changed its selection, or ended (``selection`` None)."""

        def __init__(self, selection: tuple[int, int] | None) -> None:
            self.selection = selection
            super().__init__()

    class ChunksWanted(Message):
        """Chunks of units that are on screen (or soon will be) but not read yet."""

        def __init__(self, chunks: list[int]) -> None:
            self.chunks = chunks
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: SourceView | None = None
        self.cursor = 0
        self.show_others = False
        self.search_query: Query | None = None
        self.span: SpanState | None = None
        self.evidence: tuple[int, list[tuple[int, int]]] | None = None  # unit id, spans
        self.heights = Heights(0, 4)
        self._width = 0
        self._strips: LRUCache[int, Sequence[Strip]] = LRUCache(512)
        self._wraps: LRUCache[int, list[tuple[int, int]]] = LRUCache(4096)
        self._requested: set[int] = set()
        self._style_cache: dict[str, Style] = {}
        self._pending_start = False
        self._drag: tuple[int, int] | None = None
        self._dragged = False

    # data in

    def set_view(self, view: SourceView, start: int = 0) -> None:
        """Show a source, with the cursor on the unit at position ``start``."""
        self.view = view
        self.cursor = max(0, min(start, view.count - 1)) if view.count else 0
        self.span = None
        self._requested.clear()
        if not self.scrollable_content_region.width:
            self._pending_start = True  # not laid out yet: measure once the size is known
            return
        self._pending_start = False
        self._relayout()
        self._scroll_to_cursor(center=True)
        self._settle()
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor, self.current_row))

    def add_chunk(self, chunk: int) -> None:
        """A chunk of units has been read into the view: measure and draw it."""
        self._requested.discard(chunk)
        first = chunk * CHUNK
        for index in range(first, min(first + CHUNK, self.heights.count)):
            self._strips.discard(index)
        self._settle()
        self.refresh()

    def refresh_units(self, indexes: list[int]) -> None:
        """Codings or memos of these units changed: measure and draw them again."""
        changed = False
        for index in indexes:
            self._strips.discard(index)
            if self.view is not None and self.view.row(index) is not None:
                changed |= self.heights.set(index, self._measure(index))
        if changed:
            self._update_virtual_size()
            self._scroll_to_cursor()
            self.refresh()
        else:
            for index in indexes:
                self._refresh_unit(index)

    def refresh_units_in_place(self, indexes: list[int]) -> None:
        """Others changed these units: draw them again without moving what is on screen.

        The cursor, the span-mode selection and the unit at the top of the view stay where
        they are (a unit above the view that grows or shrinks does not push the view).
        """
        line = round(self.scroll_y)
        top_index = self.heights.index_at(line) if self.heights.total else 0
        offset = line - self.heights.top(top_index) if self.heights.total else 0
        changed = False
        for index in indexes:
            self._strips.discard(index)
            if self.view is not None and self.view.row(index) is not None:
                changed |= self.heights.set(index, self._measure(index))
        if not changed:
            for index in indexes:
                self._refresh_unit(index)
            return
        self._update_virtual_size()
        target = self.heights.top(top_index) + offset
        if target != line:
            self.scroll_to(y=target, animate=False, immediate=True)
        self.refresh()

    def set_evidence(self, unit_id: int | None, spans: list[tuple[int, int]]) -> None:
        """Underline the words that led to a suggestion in a unit (the current one)."""
        wanted = (unit_id, spans) if unit_id is not None and spans else None
        if wanted == self.evidence:
            return
        previous = self.evidence
        self.evidence = wanted
        if previous is not None and self.view is not None:
            ordinal = self.view.ordinal_of.get(previous[0])
            index = self.view.index_of_ordinal(ordinal) if ordinal is not None else None
            if index is not None and index != self.cursor and index < self.heights.count:
                self._refresh_unit(index)
        if self.cursor < self.heights.count:
            self._refresh_unit(self.cursor)

    def set_show_others(self, show: bool) -> None:
        """Show (or hide) other coders' codings as dimmed chips."""
        self.show_others = show
        self._remeasure_all()

    def set_query(self, query: str | None) -> None:
        """Highlight the words of a search in every unit."""
        self.search_query = parse_query(query) if query and query.strip() else None
        self._strips.clear()
        self.refresh()

    @property
    def current_row(self) -> UnitRow | None:
        """The current unit, None while it is not read (or the source is empty)."""
        if self.view is None or not self.view.count:
            return None
        return self.view.row(self.cursor)

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected characters of the current unit in span mode."""
        return self.span.selection if self.span is not None else None

    # layout

    @property
    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - GUTTER - 1)

    def _relayout(self) -> None:
        """Measure again from scratch (a new source or a new width)."""
        self._strips.clear()
        self._wraps.clear()
        self._width = self._text_width
        view = self.view
        if view is None:
            self.heights = Heights(0, 4)
            self._update_virtual_size()
            return
        sample = [i for i in range(max(0, self.cursor - 32), min(view.count, self.cursor + 64))
                  if view.row(i) is not None]
        measured = {index: self._measure(index) for index in sample}
        estimate = round(sum(measured.values()) / len(measured)) if measured else 4
        self.heights = Heights(view.count, estimate)
        for index, height in measured.items():
            self.heights.set(index, height)
        self._update_virtual_size()

    def _remeasure_all(self) -> None:
        top_index = self.heights.index_at(round(self.scroll_y))
        self._relayout()
        self.scroll_to(y=self.heights.top(top_index), animate=False, immediate=True)
        self._scroll_to_cursor()
        self._settle()
        self.refresh()

    def _update_virtual_size(self) -> None:
        size = Size(self.scrollable_content_region.width, self.heights.total)
        if size == self.virtual_size:
            return
        if size.width != self.virtual_size.width or not self.virtual_size.height:
            self.virtual_size = size
            return
        # Only the height changed: setting the reactive would lay out the whole screen
        # (~50 ms); the scrollbar is always shown, so updating it is enough.
        self.set_reactive(UnitList.virtual_size, size)
        self._scroll_update(size)

    def _wrap(self, index: int, row: UnitRow) -> list[tuple[int, int]]:
        lines = self._wraps.get(index)
        if lines is None:
            lines = wrap_offsets(row.text, self._width)
            self._wraps[index] = lines
        return lines

    def _style(self, name: str) -> Style:
        """A component style (partial), cached until the theme changes."""
        style = self._style_cache.get(name)
        if style is None:
            style = self.get_component_rich_style(f"unit-list--{name}", partial=True)
            self._style_cache[name] = style
        return style

    def _header_parts(self, row: UnitRow) -> list[tuple[str, str]]:
        """The header's left part as (text, style name): ordinal, speaker, role, time, marks."""
        assert self.view is not None
        role = row.role if row.role in ROLES else "other"
        parts = [(f"{row.ordinal:>5} ", "ordinal"),
                 (row.speaker or row.participant or _("(no speaker)"), f"role-{role}")]
        if row.role and not (row.speaker or "").casefold().startswith(row.role):
            parts.append((f" ({row.role})", "ordinal"))
        if row.timestamp:
            parts.append((f"  {row.timestamp}", "timestamp"))
        if self.view.memos.get(row.id, {}).get(self.view.coder):
            parts.append(("  ✎ " + _("memo"), "mark"))
        if any(c.key_quote for c in self.view.my_codings(row.id)):
            parts.append(("  ★ " + _("key quote"), "mark"))
        if self.view.personal_data(row):
            parts.append(("  ⚠ " + _("personal data"), "personal"))
        return parts

    def _chips(self, row: UnitRow) -> tuple[list[Chip], list[Chip]]:
        """This coder's codes on a unit, and (dimmed, when shown) the other coders'."""
        assert self.view is not None
        codebook = self.view.codebook
        mine: list[Chip] = []
        whole = len(row.text)
        for coding in self.view.my_codings(row.id):
            code = codebook.get(coding.code)
            label = code.label if code else coding.code
            color = code.color if code else "#888888"
            marks = ("" if (coding.start, coding.end) == (0, whole) else " ✂") + (
                " ★" if coding.key_quote else "") + (" ✎" if coding.memo else "") + (
                f" {VALENCE_MARKS[coding.valence]}" if coding.valence else "")
            mine.append((f" {label}{marks} ", Style(bgcolor=color, color=contrast(color))))
        others: list[Chip] = []
        if self.show_others:
            other = self._style("other")
            seen: set[tuple[str, str]] = set()
            for coding in self.view.other_codings(row.id):
                if (coding.coder, coding.code) in seen:
                    continue
                seen.add((coding.coder, coding.code))
                code = codebook.get(coding.code)
                label = code.label if code else coding.code
                color = code.color if code else "#888888"
                others.append((f"{coding.coder}: {label}", other + Style(color=color)))
        return mine, others

    def _chip_layout(self, row: UnitRow) -> tuple[list[Chip], list[list[Chip]]]:
        """Chips that fit on the header line (right-aligned), and lines of the rest."""
        mine, others = self._chips(row)
        used = sum(cell_len(text) for text, _style in self._header_parts(row)) + 1
        room = self._width + GUTTER - used - 3
        on_header: list[Chip] = []
        taken = 0
        for number, chip in enumerate(mine):
            cells = cell_len(chip[0]) + (1 if on_header else 0)
            if taken + cells > room:
                rest = mine[number:]
                break
            on_header.append(chip)
            taken += cells
        else:
            rest = []
        lines: list[list[Chip]] = []
        width = 0
        for chip in rest + others:
            cells = cell_len(chip[0])
            if lines and width + 1 + cells <= self._width:
                lines[-1].append(chip)
                width += 1 + cells
            else:
                lines.append([chip])
                width = cells
        return on_header, lines

    def _measure(self, index: int) -> int:
        """The height of a read unit: header, text lines, chip lines, a blank line."""
        assert self.view is not None
        row = self.view.row(index)
        if row is None:
            return self.heights.estimate
        return 2 + len(self._wrap(index, row)) + len(self._chip_layout(row)[1])

    def _visible_range(self) -> tuple[int, int]:
        top = round(self.scroll_y)
        first = self.heights.index_at(top)
        last = self.heights.index_at(top + max(1, self.scrollable_content_region.height) - 1)
        return first, last

    def _settle(self) -> None:
        """Measure the units on screen, ask for unread chunks near it, keep the view steady."""
        view = self.view
        if view is None or not view.count:
            return
        if self._text_width != self._width:
            self._remeasure_all()
            return
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        first = self.heights.index_at(top)
        wanted: set[int] = set()
        shift = 0
        changed = False
        index = first
        while index < view.count and self.heights.top(index) < top + shift + height:
            if not self.heights.is_measured(index):
                if view.row(index) is None:
                    wanted.add(index // CHUNK)
                else:
                    before = self.heights.height(index)
                    if self.heights.set(index, self._measure(index)):
                        changed = True
                        self._strips.discard(index)
                        if index == first and self.heights.top(index) < top:
                            shift = self.heights.height(index) - before
            index += 1
        last = min(index, view.count - 1)
        for near in (first - CHUNK // 4, last + CHUNK // 4, self.cursor):
            chunk = max(0, min(near, view.count - 1)) // CHUNK
            if chunk not in view.chunks:
                wanted.add(chunk)
        if changed:
            self._update_virtual_size()
        if shift:
            self.scroll_to(y=top + shift, animate=False, immediate=True)
        wanted -= self._requested
        if wanted:
            self._requested |= wanted
            self.post_message(self.ChunksWanted(sorted(wanted)))

    def _scroll_to_cursor(self, center: bool = False) -> None:
        if self.view is None or not self.view.count:
            return
        top = self.heights.top(self.cursor)
        height = self.heights.height(self.cursor)
        viewport = max(1, self.scrollable_content_region.height)
        y = round(self.scroll_y)
        # Scroll in jumps (the unit lands a quarter into the view), not a unit at a time:
        # most moves then repaint two units instead of the whole list.
        if center:
            target = max(0, top - viewport // 3)
        elif top < y:
            target = min(top, max(0, top + height - (3 * viewport) // 4))
        elif top + height > y + viewport:
            target = min(top, max(top + height - viewport, top - viewport // 4))
        else:
            return
        self._update_virtual_size()
        self.scroll_to(y=target, animate=False, immediate=True)

    # drawing

    def redraw_text(self) -> None:
        """The language changed: measure and draw every unit again (headers are words)."""
        self._strips.clear()
        if self.view is not None:
            self._remeasure_all()
        self.refresh()

    def notify_style_update(self) -> None:
        """The theme changed: draw everything again."""
        super().notify_style_update()
        self._style_cache = {}
        self._strips.clear()

    def on_resize(self, event: events.Resize) -> None:
        """Wrap again at the new width."""
        if self._pending_start and self.view is not None:
            self.set_view(self.view, self.cursor)
            return
        if self.view is not None and self._text_width != self._width:
            self._remeasure_all()

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Measure what scrolled into view before it is drawn."""
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._settle()

    def render_line(self, y: int) -> Strip:
        """One line of the list: a line of the unit that covers it."""
        width = self.scrollable_content_region.width
        view = self.view
        base = self._base_style()
        if view is None or not view.count:
            return Strip.blank(width, base)
        line = round(self.scroll_y) + y
        if line >= self.heights.total:
            return Strip.blank(width, base)
        index = self.heights.index_at(line)
        offset = line - self.heights.top(index)
        strips = self._unit_strips(index, width)
        if offset < len(strips):
            return strips[offset]
        return Strip.blank(width, base)

    def _unit_strips(self, index: int, width: int) -> Sequence[Strip]:
        strips = self._strips.get(index)
        if strips is not None and (not strips or strips[0].cell_length == width):
            return strips
        assert self.view is not None
        row = self.view.row(index)
        if row is None:
            strips = self._placeholder(index, width)
        else:
            strips = self._draw(index, row, width)
            if len(strips) != self.heights.height(index):
                self.heights.set(index, len(strips))
                self.call_after_refresh(self._after_remeasure)
        self._strips[index] = strips
        return strips

    def _after_remeasure(self) -> None:
        self._update_virtual_size()
        self.refresh()

    def _placeholder(self, index: int, width: int) -> list[Strip]:
        assert self.view is not None
        base = self._base_style()
        dim = base + self._style("placeholder")
        head = Strip([Segment(f" {self.view.ordinal(index):>5}  …", dim)])
        lines = [head.adjust_cell_length(width, base)]
        lines += [Strip.blank(width, base)] * (self.heights.height(index) - 1)
        return lines

    def _text_styles(self, row: UnitRow, base: Style, is_cursor: bool,
                     window: tuple[int, int] | None = None) -> Text:
        """The unit's text (or only ``window`` of it, for a huge unit) with its highlights."""
        assert self.view is not None
        lo, hi = window if window is not None else (0, len(row.text))
        text = _Window(display_text(row.text[lo:hi]), lo, style=base, no_wrap=True, end="")
        background = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
        whole = (0, len(row.text))
        for coding in self.view.my_codings(row.id):
            if (coding.start, coding.end) == whole:
                continue
            code = self.view.codebook.get(coding.code)
            tint = background.blend(Color.parse(code.color if code else "#888888"), 0.4)
            text.stylize(Style(bgcolor=tint.rich_color), coding.start, coding.end)
        personal = self.view.personal_data(row)
        if personal:
            marked = self._style("personal")
            for item in personal:
                text.stylize(marked, item.start, item.end)
        if self.evidence is not None and self.evidence[0] == row.id:
            evidence = self._style("evidence")
            for start, end in self.evidence[1]:
                text.stylize(evidence, start, end)
        if self.search_query is not None:
            hit = self._style("hit")
            for start, end in highlight_offsets(row.text, self.search_query):
                text.stylize(hit, start, end)
        if is_cursor and self.span is not None:
            start, end = self.span.selection
            selection = self._style("selection")
            text.stylize(selection, start, end)
        return text

    def _draw(self, index: int, row: UnitRow, width: int) -> Sequence[Strip]:
        assert self.view is not None
        console = self.app.console
        is_cursor = index == self.cursor
        plain = self._base_style()
        base = plain + self._style("cursor") if is_cursor else plain
        bar = Segment("▌" if is_cursor else " ", base + self._style("bar"))
        indent = Segment(" " * (GUTTER - 1), base)

        header = [bar]
        header += [Segment(text, base + self._style(name)) for text, name in
                   self._header_parts(row)]
        on_header, chip_lines = self._chip_layout(row)
        chips: list[Segment] = []
        for number, (label, style) in enumerate(on_header):
            if number:
                chips.append(Segment(" ", base))
            chips.append(Segment(label, style))
        left = Strip(header)
        gap = width - 2 - left.cell_length - sum(segment.cell_length for segment in chips)
        header_strip = Strip([*header, Segment(" " * max(1, gap), base), *chips])
        strips = [header_strip.adjust_cell_length(width, base)]

        huge = len(row.text) > HUGE
        text = None if huge else self._text_styles(row, base, is_cursor)

        def draw_line(start: int, end: int) -> Strip:
            piece = (text[start:end] if text is not None else
                     self._text_styles(row, base, is_cursor, (start, end)))
            line = Segment.apply_style(piece.render(console, end=""), style=base)
            return Strip([bar, indent, *line]).adjust_cell_length(width, base)

        lines = self._wrap(index, row)
        tail: list[Strip] = []
        if not huge:
            strips += [draw_line(start, end) for start, end in lines]
        for line_chips in chip_lines:
            segments = [bar, indent]
            for number, (label, style) in enumerate(line_chips):
                if number:
                    segments.append(Segment(" ", base))
                segments.append(Segment(label, style))
            (tail if huge else strips).append(Strip(segments).adjust_cell_length(width, base))
        (tail if huge else strips).append(Strip.blank(width, plain))
        if huge:
            return _LazyStrips(strips, lines, tail, draw_line)
        return strips

    def _base_style(self) -> Style:
        style = self._style_cache.get("")
        if style is None:
            style = self._style_cache[""] = self.rich_style
        return style

    def _refresh_unit(self, index: int) -> None:
        self._strips.discard(index)
        top = self.heights.top(index) - round(self.scroll_y)
        region = Region(0, top, self.size.width, self.heights.height(index))
        self.refresh(region)

    # moving

    def move_to(self, index: int, *, center: bool = False) -> None:
        """Make the unit at ``index`` the current unit and scroll it into view."""
        view = self.view
        if view is None or not view.count:
            return
        index = max(0, min(index, view.count - 1))
        previous = self.cursor
        if self.span is not None:
            self.span = None
            self.post_message(self.SelectionChanged(None))
        self.cursor = index
        view.ensure(index)
        if not self.heights.is_measured(index):
            self.heights.set(index, self._measure(index))
            self._update_virtual_size()
        y = round(self.scroll_y)
        self._scroll_to_cursor(center=center)
        if round(self.scroll_y) == y:
            self._refresh_unit(previous)
            self._refresh_unit(index)
            self._settle()
        else:
            self._strips.discard(previous)
            self._strips.discard(index)
            self.refresh()
        self.post_message(self.CursorMoved(index, self.current_row))

    def action_cursor_down(self) -> None:
        """Next unit."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous unit."""
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        """A screenful further."""
        line = self.heights.top(self.cursor) + self.scrollable_content_region.height
        self.move_to(max(self.cursor + 1, self.heights.index_at(line)))

    def action_page_up(self) -> None:
        """A screenful back."""
        line = self.heights.top(self.cursor) - self.scrollable_content_region.height
        self.move_to(min(self.cursor - 1, self.heights.index_at(max(0, line))))

    def action_first(self) -> None:
        """The first unit."""
        self.move_to(0)

    def action_last(self) -> None:
        """The last unit."""
        if self.view is not None:
            self.move_to(self.view.count - 1)

    # span mode

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Span keys only in span mode; moving needs units."""
        if action in ("word", "extend", "span_leave"):
            return self.span is not None
        if action == "span_start":
            return self.current_row is not None and self.span is None
        return True

    def _set_span(self, span: SpanState | None) -> None:
        mode_changed = (span is None) != (self.span is None)
        self.span = span
        self._refresh_unit(self.cursor)
        self.post_message(self.SelectionChanged(self.selection))
        if mode_changed:
            self.refresh_bindings()

    def action_span_start(self) -> None:
        """Select words in the current unit."""
        row = self.current_row
        if row is None:
            return
        words = word_spans(row.text)
        if not words:
            self.notify(_("This unit has no words to select."), severity="warning")
            return
        self._set_span(SpanState(words))

    def action_span_leave(self) -> None:
        """Leave span mode."""
        self._set_span(None)

    def action_word(self, step: int) -> None:
        """Move the word cursor (the selection becomes that word)."""
        if self.span is None:
            return
        cursor = max(0, min(self.span.cursor + step, len(self.span.words) - 1))
        self._set_span(SpanState(self.span.words, cursor, cursor))

    def action_extend(self, step: int) -> None:
        """Extend (or shrink) the selection by a word."""
        if self.span is None:
            return
        cursor = max(0, min(self.span.cursor + step, len(self.span.words) - 1))
        self._set_span(SpanState(self.span.words, self.span.anchor, cursor))

    def select_chars(self, start: int, end: int) -> None:
        """Select exactly these characters of the current unit (span mode)."""
        row = self.current_row
        if row is None or not 0 <= start < end <= len(row.text):
            return
        words = word_spans(row.text) or [(start, end)]
        cursor = next((i for i, (s, e) in enumerate(words) if s <= start < e), 0)
        self._set_span(SpanState(words, cursor, cursor, (start, end)))

    # mouse

    def _hit(self, event: events.MouseEvent) -> tuple[int, int | None] | None:
        """The unit under the mouse, and the character of its text (None off the text)."""
        view = self.view
        offset = event.get_content_offset(self)
        if view is None or not view.count or offset is None:
            return None
        line = round(self.scroll_y) + offset.y
        if line >= self.heights.total:
            return None
        index = self.heights.index_at(line)
        row = view.row(index)
        if row is None:
            return index, None
        text_line = line - self.heights.top(index) - 1
        lines = self._wrap(index, row)
        if not 0 <= text_line < len(lines) or offset.x < GUTTER:
            return index, None
        start, end = lines[text_line]
        return index, offset_at_cell(row.text, start, end, offset.x - GUTTER)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Click a unit to make it current; press on its text to start a selection."""
        hit = self._hit(event)
        if hit is None:
            return
        index, char = hit
        self.focus()
        if index != self.cursor:
            self.move_to(index)
        row = self.current_row
        if char is not None and row is not None and char < len(row.text):
            self._drag = (index, char)
            self._dragged = False
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Dragging over the text selects characters."""
        if self._drag is None:
            return
        hit = self._hit(event)
        if hit is None or hit[0] != self._drag[0] or hit[1] is None:
            return
        anchor, char = self._drag[1], hit[1]
        start, end = min(anchor, char), max(anchor, char) + 1
        row = self.current_row
        if row is not None and end <= len(row.text) and (start, end) != self.selection:
            self._dragged = True
            self.select_chars(start, end)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """End a drag; a plain click in span mode moves the word cursor there."""
        if self._drag is None:
            return
        _index, char = self._drag
        self._drag = None
        self.release_mouse()
        if not self._dragged and self.span is not None:
            words = self.span.words
            found = next((i for i, (s, e) in enumerate(words) if s <= char < e), None)
            if found is not None:
                self._set_span(SpanState(words, found, found))

    def codings_at_cursor(self) -> list[CodingInfo]:
        """This coder's codings on the current unit."""
        row = self.current_row
        if row is None or self.view is None:
            return []
        return self.view.my_codings(row.id)
