"""Plain-text transcripts: speaker turns (``Borger 2: ...``) or, without speakers, paragraphs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.sources.encoding import encoding_note, read_text_file
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.sources.spans import trim
from kodebog.sources.speakers import Cast, LabelMatch, fold, looks_like_label, match_label


@dataclass
class Segmentation:
    """Units and speakers found in a text, with what the import report should say."""

    units: list[ParsedUnit]
    participants: list[ParsedParticipant]
    kind: str
    notes: list[str] = field(default_factory=list)


def read_transcript(path: Path) -> ParsedSource:
    """Read a ``.txt``/``.md`` transcript into turns (or paragraphs when it has no speakers)."""
    text, codec = read_text_file(path)
    found = segment_transcript(text)
    if not found.units:
        raise SourceError(f"{path}: has speaker labels but no spoken text")
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


def segment_transcript(text: str) -> Segmentation:
    """Cut normalised text into speaker turns; text before the first speaker into paragraphs.

    A turn runs from its label to the next speaker line; its unit is the spoken text only,
    without label or timestamp. Lines that merely look like ``Word: ...`` are kept as text
    unless the label passes :func:`looks_like_label`.
    """
    lines = text.split("\n")
    candidates: dict[int, LabelMatch] = {}
    for i, line in enumerate(lines):
        if ":" in line:
            found = match_label(line)
            if found is not None:
                candidates[i] = found
    counts = Counter(fold(m.label) for m in candidates.values())
    speakers = {
        i: m for i, m in candidates.items() if looks_like_label(m.label, counts[fold(m.label)])
    }
    prose = [m.label for i, m in candidates.items() if i not in speakers and m.label[0].isupper()]

    cast = Cast()
    units: list[ParsedUnit] = []
    empty_turns = 0
    turn: tuple[LabelMatch, int] | None = None
    paragraph: tuple[int, int] | None = None
    pos = 0
    for i, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        match = speakers.get(i)
        if match is not None:
            if turn is not None:
                empty_turns += not _add_turn(units, cast, text, turn, start)
            elif paragraph is not None:
                _add_paragraph(units, text, paragraph)
                paragraph = None
            turn = (match, start + match.content)
        elif turn is None:
            if line and not line.isspace():
                paragraph = (paragraph[0] if paragraph else start, start + len(line))
            elif paragraph is not None:
                _add_paragraph(units, text, paragraph)
                paragraph = None
    if turn is not None:
        empty_turns += not _add_turn(units, cast, text, turn, len(text))
    elif paragraph is not None:
        _add_paragraph(units, text, paragraph)

    notes = []
    turns = sum(1 for u in units if u.participant_key is not None)
    if turns:
        notes.append(f"{turns} turns by {len(cast.participants)} speakers")
    else:
        notes.append(f"no speaker labels found; cut into {len(units)} paragraphs")
    if empty_turns:
        notes.append(f"turns without text skipped: {empty_turns}")
    if prose:
        notes.append(
            f"read as text, not as speakers: {len(prose)} line(s) such as '{prose[0]}: …'"
        )
    return Segmentation(units, cast.participants, cast.default_kind(), notes)


def _add_turn(
    units: list[ParsedUnit], cast: Cast, text: str, turn: tuple[LabelMatch, int], end: int
) -> bool:
    """Append the unit of a turn ending at ``end``; False when the turn has no text."""
    match, start = turn
    span = trim(text, start, end)
    if span is None:
        return False
    units.append(
        ParsedUnit(
            start=span[0],
            end=span[1],
            participant_key=cast.key_for(match.label),
            speaker=match.label,
            timestamp=match.timestamp,
        )
    )
    return True


def _add_paragraph(units: list[ParsedUnit], text: str, paragraph: tuple[int, int]) -> None:
    """Append a paragraph unit without speaker."""
    span = trim(text, *paragraph)
    if span is not None:
        units.append(ParsedUnit(start=span[0], end=span[1]))
