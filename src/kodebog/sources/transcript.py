"""Plain-text transcripts: speaker turns in their layout or, without speakers, paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.i18n import _, ngettext
from kodebog.i18n.formats import number
from kodebog.sources.encoding import encoding_note, read_text_file
from kodebog.sources.layouts import TEXT_LAYOUTS, SpeakerOptions, find_turns, layout_note
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.sources.spans import trim
from kodebog.sources.speakers import Cast, LabelMatch
from kodebog.sources.timestamps import trailing_stamp

_BLANK_LINES = re.compile(r"\n(?:[ \t\f\v]*\n)+")


@dataclass
class Segmentation:
    """Units and speakers found in a text, with what the import report should say."""

    units: list[ParsedUnit]
    participants: list[ParsedParticipant]
    kind: str
    notes: list[str] = field(default_factory=list)
    layout: str = "paragraphs"


def read_transcript(path: Path, options: SpeakerOptions | None = None) -> ParsedSource:
    """Read a ``.txt``/``.md`` transcript into turns (or paragraphs when it has no speakers)."""
    options = options or SpeakerOptions()
    options.check(path.name, TEXT_LAYOUTS)
    text, codec = read_text_file(path)
    found = segment_transcript(text, options)
    if not found.units:
        raise SourceError(_("{path}: has speaker labels but no spoken text").format(path=path))

    note = encoding_note(codec)
    return ParsedSource(
        name=path.stem,
        kind=found.kind,
        text=text,
        units=found.units,
        participants=found.participants,
        encoding=codec,
        filename=path.name,
        notes=([note] if note else []) + found.notes,
    )


def segment_transcript(text: str, options: SpeakerOptions | None = None) -> Segmentation:
    """Cut normalised text into speaker turns; text outside turns into paragraphs.

    The layout (``lines``, ``headers`` or ``paragraphs``) is detected from the whole
    document unless ``options`` gives it. A turn runs from its label to the next turn; its
    unit is the spoken text only, without label or timestamps (one at the end of the turn,
    ``[00:01:02]``, is its time when the label line has none).
    """
    lines = text.split("\n")
    found = find_turns(lines, options or SpeakerOptions())
    line_starts = []
    pos = 0
    for line in lines:
        line_starts.append(pos)
        pos += len(line) + 1
    cast = Cast()
    units: list[ParsedUnit] = []
    empty_turns = 0
    free = 0  # where text outside turns starts
    turn: tuple[LabelMatch, int] | None = None
    for i in sorted(found.starts.keys() | found.breaks):
        here = line_starts[i]
        if turn is not None:
            empty_turns += not _add_turn(units, cast, text, turn, here)
        else:
            units += [ParsedUnit(s, e) for s, e in paragraph_spans(text, free, here)]
        match = found.starts.get(i)
        if match is not None:
            turn = (match, here + match.content)
        else:  # a line such as "Jane Doe started transcription" ends the turn
            turn, free = None, here + len(lines[i]) + 1
    if turn is not None:
        empty_turns += not _add_turn(units, cast, text, turn, len(text))
    else:
        units += [ParsedUnit(s, e) for s, e in paragraph_spans(text, free, len(text))]

    turns = sum(1 for u in units if u.participant_key is not None)
    if turns:
        notes = [layout_note(found.layout, turns, len(cast.participants))]
    else:
        notes = [ngettext("layout paragraphs (no speakers): cut into {count} paragraph",
                          "layout paragraphs (no speakers): cut into {count} paragraphs",
                          len(units)).format(count=number(len(units)))]
    notes += found.notes
    if empty_turns:
        notes.append(_("turns without text skipped: {count}").format(count=empty_turns))
    layout = found.layout if turns else "paragraphs"
    return Segmentation(units, cast.participants, cast.default_kind(), notes, layout)


def paragraph_spans(
text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The paragraphs of ``text[start:end]``: runs of non-blank lines, trimmed, in order.

    This is the one place plain text is cut into paragraphs (text without speakers, and
    text before the first turn).
    """
    end = len(text) if end is None else end
    spans = []
    for gap in _BLANK_LINES.finditer(text, start, end):
        span = trim(text, start, gap.start())
        if span is not None:
            spans.append(span)
        start = gap.end()
    span = trim(text, start, end)
    if span is not None:
        spans.append(span)
    return spans


def _add_turn(
    units: list[ParsedUnit], cast: Cast, text: str, turn: tuple[LabelMatch, int], end: int
) -> bool:
    """Append the unit of a turn ending at ``end``; False when the turn has no text."""
    match, start = turn
    end, stamp = trailing_stamp(text, start, end)
    span = trim(text, start, end)
    if span is None:
        return False
    units.append(
        ParsedUnit(
            start=span[0],
            end=span[1],
            participant_key=cast.key_for(match.label),
            speaker=match.label,
            timestamp=match.timestamp or stamp,
        )
    )
    return True
