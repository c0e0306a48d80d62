"""Huge units cut into paragraphs or sentences after parsing, so no unit freezes the screen.

Transcription tools often write one long text with single line breaks and no speaker
labels; it would become one unit of half a megabyte. A unit longer than ``MAX_UNIT`` is cut
at its line breaks, and a piece still too long at sentence ends (then at spaces), into units
of at most ``MAX_UNIT`` characters; offsets stay exact and each piece keeps the unit's
speaker, participant, timestamp and question. The import report says so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kodebog.i18n import _
from kodebog.i18n.formats import number
from kodebog.sources.model import ParsedSource, ParsedUnit

MAX_UNIT = 4000
"""Longest unit kept whole (characters); a long interview answer is well below it."""

_SENTENCE_END = re.compile(r"[.!?…]+[\"”»)]*\s+")


def _cuts(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``limit`` characters, cut where it reads well."""
    pieces: list[tuple[int, int]] = []
    position = start
    while end - position > limit:
        window = text[position:position + limit]
        cut = window.rfind("\n")
        if cut <= 0:
            ends = [m.end() for m in _SENTENCE_END.finditer(window)]
            cut = ends[-1] if ends else window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        pieces.append((position, position + cut))
        position += cut
    pieces.append((position, end))
    return [_trimmed(text, a, b) for a, b in pieces if text[a:b].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Every line of a long unit its own piece when lines are short; long lines cut further."""
    pieces: list[tuple[int, int]] = []
    line_start = start
    for line in text[start:end].split("\n"):
        line_end = line_start + len(line)
        if line.strip():
            pieces += _cuts(text, *_trimmed(text, line_start, line_end), limit)
        line_start = line_end + 1
    return pieces


def segment_long_units(parsed: ParsedSource, limit: int = MAX_UNIT) -> ParsedSource:
    """The source with every unit longer than ``limit`` cut into paragraphs or sentences."""
    units: list[ParsedUnit] = []
    long_units = 0
    for unit in parsed.units:
        if unit.end - unit.start <= limit:
            units.append(unit)
            continue
        long_units += 1
        units += [replace(unit, start=a, end=b)
                  for a, b in _paragraphs(parsed.text, unit.start, unit.end, limit)]
    if not long_units:
        return parsed
    note = _("cut {count} unit(s) longer than {limit} characters at line breaks and "
             "sentence ends: {before} units became {after}").format(
        count=number(long_units), limit=limit, before=number(len(parsed.units)),
        after=number(len(units)))

    return replace(parsed, units=units, notes=[*parsed.notes, note])
