"""WebVTT and SRT subtitles: cues merged into speaker turns, one paragraph per turn."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.i18n import _, ngettext
from kodebog.i18n.formats import number
from kodebog.sources.encoding import encoding_note, read_text_file
from kodebog.sources.labels import judge_labels
from kodebog.sources.layouts import SUBTITLE_LAYOUTS, SpeakerOptions, layout_note
from kodebog.sources.model import ParsedSource, ParsedUnit
from kodebog.sources.spans import TextBuilder
from kodebog.sources.speakers import Cast, LabelMatch, fold, match_label

_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"[ \t]*({_TIME})[ \t]*-->[ \t]*({_TIME})(?:[ \t].*)?")
_VOICE = re.compile(r"[ \t]*<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG = re.compile(
    r"</?(?:v|c|i|b|u|ruby|rt|lang|font)(?:[.\s][^<>\n]*)?>|<\d[\d:.]*>|\{\\[^{}\n]*\}"
)
"""Cue markup (voice, class, style, inline timestamps, SRT ``{\\an8}``); ``<navn>`` stays."""
_NOT_A_CUE = re.compile(r"(?:WEBVTT|NOTE|STYLE|REGION)(?:[ \t]|$)")
_PAUSE = 2.0
"""Seconds of silence that start a new paragraph when cues carry no speaker."""
_LONG = 600


@dataclass
class _Line:
    """One line of cue text and who speaks it (its voice tag, or the resolved speaker)."""

    start: float
    end: float
    speaker: str | None
    text: str


@dataclass
class _Turn:
    """Consecutive cue text of one speaker."""

    speaker: str | None
    start: float
    end: float
    pieces: list[str]


def read_subtitles(path: Path, options: SpeakerOptions | None = None) -> ParsedSource:
    """Read a ``.vtt`` or ``.srt`` file; consecutive cues of one speaker become one turn.

    Speakers come from ``<v Name>`` voice spans or from ``Name:`` at the start of cue text
    (judged over the whole file, as in text transcripts).
    """
    options = options or SpeakerOptions()
    options.check(path.name, SUBTITLE_LAYOUTS)
    detect = options.detect and options.layout != "paragraphs"
    text, codec = read_text_file(path)
    lines, cues = _cue_lines(text, voices=detect)
    if not cues:
        raise SourceError(
            _("{path}: no subtitle cues found (lines like '00:00:01.000 --> 00:00:04.000'); "
              "is it really a subtitle file?").format(path=path)
        )
    resolved, speaker_notes = _resolve_speakers(lines, options) if detect else (lines, [])
    turns = _turns(resolved)
    cast = Cast()
    builder = TextBuilder()
    units: list[ParsedUnit] = []
    for turn in turns:
        body = " ".join(turn.pieces)
        if turn.speaker is None:
            start, end = builder.add(body)
            units.append(ParsedUnit(start, end, timestamp=_clock(turn.start)))
        else:
            key = cast.key_for(turn.speaker)
            start, end = builder.add(body, prefix=f"{turn.speaker}: ")
            units.append(
                ParsedUnit(start, end, key, speaker=turn.speaker, timestamp=_clock(turn.start))
            )
    if not units:
        raise SourceError(_("{path}: all {count} subtitle cues are empty").format(
            path=path, count=number(cues)))
    notes = [note] if (note := encoding_note(codec)) else []
    if cast.participants:
        notes.append(layout_note(
            "cues", sum(u.participant_key is not None for u in units), len(cast.participants)))
    else:
        notes.append(_("layout paragraphs (no speakers): cues joined, broken at pauses"))
    notes.append(_("merged {cues} into {turns}").format(
        cues=ngettext("{count} cue", "{count} cues", cues).format(count=number(cues)),
        turns=ngettext("{count} turn", "{count} turns", len(units)).format(
            count=number(len(units)))))
    notes += [] if detect else [_("speaker detection is off")]

    notes += speaker_notes
    return ParsedSource(
        name=path.stem,
        kind=cast.default_kind(),
        text=builder.text(),
        units=units,
        participants=cast.participants,
        encoding=codec,
        filename=path.name,
        metadata={"cues": str(cues), "duration": _clock(max(t.end for t in turns))},
        notes=notes,
    )


def _cue_lines(text: str, *, voices: bool = True) -> tuple[list[_Line], int]:
    """Cue text lines with timings and voices (if ``voices``), and the number of cues.

    Blocks are separated by blank lines; header, NOTE, STYLE and REGION blocks are skipped,
    and a block without timing continues the previous cue (a blank line inside cue text).
    """
    lines: list[_Line] = []
    cues = 0
    timing: tuple[float, float] | None = None
    for block in re.split(r"\n[ \t]*\n", text):
        rows = block.strip("\n").split("\n")
        for offset, row in enumerate(rows[:2]):
            found = _TIMING.fullmatch(row)
            if found:
                timing = (_seconds(found.group(1)), _seconds(found.group(2)))
                rows = rows[offset + 1 :]
                cues += 1
                break
        else:
            if timing is None or _NOT_A_CUE.match(rows[0]):
                continue
        voice: str | None = None
        for row in rows:
            tagged = _VOICE.match(row) if voices else None
            if tagged:
                voice = " ".join(tagged.group(1).split()) or None
            clean = " ".join(html.unescape(_TAG.sub("", row)).split())
            if clean:
                lines.append(_Line(timing[0], timing[1], voice, clean))
    return lines, cues


def _resolve_speakers(
    lines: list[_Line], options: SpeakerOptions
) -> tuple[list[_Line], list[str]]:
    """Take ``Name:`` prefixes as speakers when the file's labels pass; inherit otherwise."""
    found: dict[int, LabelMatch] = {}
    for i, line in enumerate(lines):
        if line.speaker is None and (match := match_label(line.text)) is not None:
            found[i] = match
    verdict = judge_labels(
        [m.label for m in found.values()],
        [False] * len(found),
        trusted=options.speakers,
        forced=options.layout is not None,
    )
    current: str | None = None
    resolved: list[_Line] = []
    for i, line in enumerate(lines):
        speaker, text = line.speaker, line.text
        match = found.get(i)
        if match is not None and fold(match.label) in verdict.speakers:
            speaker, text = match.label, text[match.content :].strip()
        if speaker is not None:
            current = speaker
        if text:
            resolved.append(_Line(line.start, line.end, current, text))
    return resolved, verdict.notes if found else []


def _turns(lines: list[_Line]) -> list[_Turn]:
    """Merge consecutive lines of one speaker; without speaker, break at pauses."""
    turns: list[_Turn] = []
    for line in lines:
        last = turns[-1] if turns else None
        if last is not None and last.speaker is not None and fold(last.speaker) == fold(
            line.speaker or ""
        ):
            last.pieces.append(line.text)
            last.end = max(last.end, line.end)
            continue
        if last is not None and last.speaker is None and line.speaker is None:
            length = sum(len(p) + 1 for p in last.pieces)
            sentence_done = last.pieces[-1].endswith((".", "!", "?", "…"))
            if line.start - last.end < _PAUSE and not (length >= _LONG and sentence_done):
                last.pieces.append(line.text)
                last.end = max(last.end, line.end)
                continue
        turns.append(_Turn(line.speaker, line.start, line.end, [line.text]))
    return turns


def _seconds(stamp: str) -> float:
    """``01:02:03.500`` or ``02:03,5`` in seconds."""
    clock, _, fraction = stamp.replace(",", ".").partition(".")
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total + float(f"0.{fraction or 0}")


def _clock(seconds: float) -> str:
    """Seconds as ``hh:mm:ss``."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
