"""Where the coding screen's panels go at a terminal size: the unit text keeps 60 columns.

``plan`` is pure arithmetic (tested without a screen); ``apply`` sets the widgets' styles.
Every panel either gets a usable height or is hidden: nothing is drawn with zero height.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

MIN_TEXT = 60
"""Columns of unit text the unit list always keeps."""
UNIT_CHROME = 12
"""Columns of the unit list that are not text: border 2, scrollbar 2, gutter 7, margin 1."""
SIDE_MIN, SIDE_MAX = 36, 46
"""The codebook panel beside the units: narrower than SIDE_MIN it is no use (labels cut)."""
MIN_UNITS = 6
"""Rows the unit list keeps before a panel below it is hidden."""
CHROME_ROWS = 2
"""The status bar and the key footer."""


@dataclass(frozen=True)
class Plan:
    """Which panels show, where, and how big."""

    side: bool  # the codebook tree and the definition beside the units
    side_width: int
    below: bool  # the codebook tree and the definition below the units (no room beside)
    below_height: int
    strip: bool  # the codebook as a strip of hotkeys under the status bar
    strip_rows: int
    bottom: bool  # the current unit and the suggestions under the units
    bottom_height: int
    definition_height: int  # 0: the definition is hidden
    suggestions_width: int

    @property
    def units_width(self) -> int:
        """The unit list's outer width."""
        return self.width - (self.side_width if self.side else 0)

    width: int = 0
    height: int = 0


def plan(width: int, height: int, *, panel: bool | None, details: bool,
         strip_rows: int) -> Plan:
    """Lay out a ``width`` x ``height`` screen.

    ``panel``: the analyst's choice (K) between the codebook panel (True) and the strip
    (False); None: the panel when it fits beside the units, else the strip.
    ``details``: whether the current unit and suggestions are wanted (Z).
    ``strip_rows``: the lines the strip needs at this width.
    """
    body = max(1, height - CHROME_ROWS)
    room_beside = width - (MIN_TEXT + UNIT_CHROME)
    fits_beside = room_beside >= SIDE_MIN
    want_panel = fits_beside if panel is None else panel
    side = want_panel and fits_beside
    below = want_panel and not fits_beside
    side_width = min(SIDE_MAX, room_beside) if side else 0
    strip = not want_panel
    rows = max(1, min(strip_rows, body // 5)) if strip else 0
    left = body - rows  # rows for the units and whatever goes under them
    below_height = 0
    if below:
        below_height = min(14, left - MIN_UNITS)
        if below_height < 5:
            below, strip = False, True  # no room for the panel at all: the strip it is
            rows = max(1, min(strip_rows, body // 5))
            left = body - rows
            below_height = 0
        else:
            left -= below_height
    bottom_height = 11 if height >= 34 else 7
    bottom = details and left - bottom_height >= MIN_UNITS and not (below and height < 36)
    if not bottom and details and left - 5 >= MIN_UNITS and not below:
        bottom, bottom_height = True, 5
    definition_height = 0
    if side:
        column = body - (bottom_height if bottom else 0)
        definition_height = 14 if column >= 30 else 8 if column >= 16 else 0
    elif below:
        definition_height = below_height
    suggestions_width = side_width if side else max(34, width * 45 // 100)
    return Plan(side, side_width, below, below_height, strip, rows, bottom,
                bottom_height if bottom else 0, definition_height, suggestions_width,
                width, height)


def apply(screen: Screen[Any], layout: Plan) -> None:
    """Show, hide and size the coding screen's panels as ``layout`` says."""
    right = screen.query_one("#right")
    right.display = layout.side or layout.below
    screen.set_class(layout.below, "-below")
    if layout.side:
        right.styles.width = layout.side_width
        right.styles.height = "1fr"
    elif layout.below:
        right.styles.width = "1fr"
        right.styles.height = layout.below_height
    strip = screen.query_one("#strip")
    strip.display = layout.strip
    if layout.strip:
        strip.styles.height = layout.strip_rows
    bottom = screen.query_one("#bottom")
    bottom.display = layout.bottom
    if layout.bottom:
        bottom.styles.height = layout.bottom_height
        screen.query_one("#suggestions").styles.width = layout.suggestions_width
    definition = screen.query_one("#definition")
    definition.display = layout.definition_height > 0
    if layout.side and layout.definition_height:
        definition.styles.height = layout.definition_height
        definition.styles.width = "1fr"
    elif layout.below:
        definition.styles.height = "1fr"
        definition.styles.width = "1fr"
