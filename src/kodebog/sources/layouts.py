"""Transcript layouts: where turns start, detected from the whole document or given.

- ``lines``: ``Name: text`` (optionally ``[00:00:03] Name:``, ``Name (00:00:03):``,
  ``[SPEAKER_00]:``, ``S00: ... [00:00:03]``), as in the bundled examples, Good Tape,
  Sonix, noScribe and WhisperX text;
- ``headers``: a line ``Name   0:03``, ``Name (00:00:03)`` or ``[Name] 10:02:03`` above the
  speech, as Teams Word transcripts, Otter and Zoom text write;
- ``paragraphs``: no speakers, paragraphs at blank lines.

Subtitle files (``.vtt``, ``.srt``) have their own layout, ``cues``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kodebog.errors import SourceError
from kodebog.i18n import N_, _, ngettext, translate
from kodebog.i18n.formats import number
from kodebog.sources.labels import judge_labels
from kodebog.sources.speakers import LabelMatch, fold, match_label, valid_label
from kodebog.sources.timestamps import BRACKETED, CLOCK, hhmmss

LAYOUTS: dict[str, str] = {
    "lines": N_("speaker lines 'Name: text'"),
    "headers": N_("a speaker line 'Name 0:03' above each turn"),
    "cues": N_("subtitle cues with speakers"),
    "paragraphs": N_("plain text, no speakers"),
}
"""Each layout's description, marked for the catalogue: shown with ``translate``."""
TEXT_LAYOUTS = ("lines", "headers", "paragraphs")
SUBTITLE_LAYOUTS = ("cues", "paragraphs")

_LABEL = r"[^\W\d_][^:\[\]\n]{0,39}?"
_HEADER = re.compile(
    rf"[ \t]*(?:\[(?P<bracketed>{_LABEL})\]|(?P<label>{_LABEL}))[ \t]+[|–-]?[ \t]*"
    rf"(?P<ts>{BRACKETED}|{CLOCK})[ \t]*"
)
"""``Name   0:03``, ``Name (00:00:03)``, ``[Name] 10:02:03``: the whole line."""
_SYSTEM = re.compile(
    r".{1,80}? (?:started|stopped) transcription|.{1,80}? (?:startede|stoppede) transskription"
    r"(?:en)?",
    re.IGNORECASE,
)
"""Teams' own lines between turns: ``Jane Doe started transcription``."""


@dataclass(frozen=True)
class SpeakerOptions:
    """How to find speakers: a given layout, labels to trust, or none at all."""

    layout: str | None = None  # None: detected from the document
    speakers: tuple[str, ...] = ()  # --speakers: take these labels, nothing else
    detect: bool = True  # False: --no-speakers

    def check(self, filename: str, allowed: Sequence[str]) -> None:
        """Refuse a layout this kind of file cannot have."""
        if self.layout is not None and self.layout not in allowed:
            raise SourceError(
                _("{file}: unknown layout {layout} for this file; layouts here are: "
                  "{layouts}").format(file=filename, layout=repr(self.layout),
                                      layouts=", ".join(allowed))
            )


@dataclass
class Turns:
    """Where turns start (line index to label match), lines that end a turn, report lines."""

    layout: str
    starts: dict[int, LabelMatch]
    breaks: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def match_header(line: str) -> LabelMatch | None:
    """Match a whole line ``Name   0:03``; its turn's text starts on the next line."""
    m = _HEADER.fullmatch(line)
    if m is None:
        return None
    label = " ".join((m.group("bracketed") or m.group("label")).split())
    if not valid_label(label):
        return None
    return LabelMatch(label, len(line), hhmmss(m.group("ts")))


def find_turns(lines: Sequence[str], options: SpeakerOptions) -> Turns:
    """The layout of a text's lines and where its turns start."""
    if not options.detect or options.layout == "paragraphs":
        return Turns("paragraphs", {}, notes=[_("speaker detection is off")])

    candidates: dict[str, dict[int, LabelMatch]] = {"lines": {}, "headers": {}}
    breaks: set[int] = set()
    for i, line in enumerate(lines):
        if ":" not in line:
            if line.endswith(("transcription", "transskription", "transskriptionen")) and (
                _SYSTEM.fullmatch(line.strip())
            ):
                breaks.add(i)
            continue
        header = match_header(line)
        if header is not None:
            candidates["headers"][i] = header
        else:
            label = match_label(line)
            if label is not None:
                candidates["lines"][i] = label
    names = [options.layout] if options.layout else ["lines", "headers"]
    best: Turns | None = None
    seen: dict[int, LabelMatch] = {}
    for name in names:
        found = candidates[name]
        matches = list(found.values())
        verdict = judge_labels(
            [m.label for m in matches],
            [m.timestamp is not None for m in matches],
            trusted=options.speakers,
            forced=options.layout is not None,
        )
        starts = {i: m for i, m in found.items() if fold(m.label) in verdict.speakers}
        turns = Turns(name, starts, breaks if name == "headers" else set(), verdict.notes)
        if best is None or (len(starts), len(found)) > (len(best.starts), len(seen)):
            best, seen = turns, found
    assert best is not None
    if not best.starts:
        return Turns("paragraphs", {}, notes=best.notes)
    return best


def layout_note(layout: str, turns: int, speakers: int) -> str:
    """The report line naming the layout found, with its turns and speakers."""
    return _("layout {layout} ({description}): {turns} by {speakers}").format(
        layout=layout, description=translate(LAYOUTS[layout]),
        turns=ngettext("{count} turn", "{count} turns", turns).format(count=number(turns)),
        speakers=ngettext("{count} speaker", "{count} speakers", speakers).format(
            count=speakers))
