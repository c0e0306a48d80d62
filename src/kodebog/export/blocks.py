"""The report as a list of blocks: what Word, Markdown and HTML each render the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading; level 1 is a chapter. ``anchor`` links to it (HTML)."""

    text: str
    level: int
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text; ``note`` is a small italic remark, ``lead`` a bold lead-in before the text."""

    text: str
    note: bool = False
    lead: str = ""


@dataclass(frozen=True, slots=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table with one header row; ``numeric`` columns are right-aligned."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class QuoteBlock:
    """A verbatim quote and the line that attributes it (kept on the same page)."""

    text: str
    attribution: str


@dataclass(frozen=True, slots=True)
class Series:
    """One group's values in a chart (shares 0..1, one per label)."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A horizontal bar chart: labels down the side, one bar per series and label."""

    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Contents:
    """A table of contents (Word field, HTML list of chapter links, nothing in Markdown)."""


Block = Heading | Paragraph | Bullets | Table | QuoteBlock | Chart | Contents


@dataclass(frozen=True)
class Report:
    """A whole report: title, the running header line and the blocks in order."""

    title: str
    subtitle: str
    header: str
    blocks: tuple[Block, ...]
    quotes: int
    themes: int
    publish: bool = False
