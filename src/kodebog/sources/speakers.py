"""Speaker labels: recognising ``[00:12:03] Borger 2:`` lines and collecting the cast."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kodebog.sources.model import ParsedParticipant
from kodebog.sources.roles import infer_role, strip_brackets
from kodebog.sources.timestamps import BRACKETED, CLOCK, hhmmss

_TS = rf"{BRACKETED}|{CLOCK}(?=[ \t])"
_LINE = re.compile(
    rf"[ \t]*(?:(?P<ts>{_TS})[ \t]*)?(?:\*\*|__)?"
    r"(?:\[(?P<bracketed>[^\W\d_][^:\[\]\n]{0,39})\]|(?P<label>[^\W\d_][^:\n]{0,39}?))"
    r"(?:\*\*|__)?[ \t]*"
    rf"(?:(?P<ts2>{BRACKETED})[ \t]*)?(?:\*\*|__)?:(?:\*\*|__)?"
    rf"(?:[ \t]*(?P<ts3>{BRACKETED})(?=\s|$))?"
)
"""``[ts] Label [ts]: [ts] text``; the label may be in brackets (``[SPEAKER_00]:``)."""
_NOT_IN_LABEL = frozenset("?!,;\"„“”»«<>{}|/\\*=#@$%^~`+\t")
_NUMBERED = re.compile(r"\d")
_MACHINE = re.compile(
    r"(?:speaker|taler|person|guest|gæst)[ _-]?(?:\d{1,3}|[a-z])|s\d{1,3}"
    r"|unknown[ _-]speaker|ukendt[ _-]taler",
    re.IGNORECASE,
)
"""Anonymous labels written by transcription tools: ``SPEAKER_00``, ``S01``, ``Speaker 2``."""
_CLOCK_LABEL = re.compile(r"(?:kl|klokken)\.?(?:[ \t]+.*)?|.*\d[.:]\d\d", re.IGNORECASE)
"""Labels that are times of day (``Kl. 10.30``), not people."""
MAX_WORDS = 5


@dataclass(frozen=True)
class LabelMatch:
    """A line that starts like a speaker turn; ``content`` is where the spoken text begins."""

    label: str
    content: int
    timestamp: str | None


def match_label(line: str) -> LabelMatch | None:
    """Match ``[ts] Label:`` at the start of ``line``; no judgement yet on whether it is one."""
    m = _LINE.match(line)
    if m is None:
        return None
    label = " ".join((m.group("bracketed") or m.group("label")).split())
    if " " not in label:
        label = label.rstrip(".") or label  # an abbreviation: "Int." is "Int"
    if not valid_label(label):
        return None  # prose ("Hun sagde, at ..."); brackets may hold "(kvinde, 45)"
    after = line[m.end() : m.end() + 1]
    if after.isdigit() or after == "/":
        return None  # a clock time (kl. 10:30) or a URL, not a speaker
    ts = m.group("ts") or m.group("ts2") or m.group("ts3")
    return LabelMatch(label, m.end(), hhmmss(ts) if ts else None)


def valid_label(label: str) -> bool:
    """Whether ``label`` is short and free of the punctuation of prose."""
    return (
        bool(label)
        and not any(char in _NOT_IN_LABEL for char in strip_brackets(label))
        and len(label.split()) <= MAX_WORDS
    )


def looks_like_label(label: str, occurrences: int) -> bool:
    """Whether a matched label is a speaker rather than prose such as ``Det var sådan:``.

    Words after the first (outside brackets) must be capitalised or numbers; then the label
    must name a role (``borger 1``, ``Sagsbehandler (team nord)``), or be capitalised and
    either carry a number (``P3``) or recur as a label in the same file (``Anna``). Length
    and the characters allowed are checked by :func:`match_label`.
    """
    words = strip_brackets(label).split()
    if not words or not all(w[0].isupper() or w[0].isdigit() for w in words[1:]):
        return False  # "Leder af afdelingen sagde", "Det var sådan"
    if infer_role(label) is not None:
        return True
    return label[0].isupper() and (occurrences >= 2 or _NUMBERED.search(label) is not None)


def fold(label: str) -> str:
    """The comparison form of a label: case and spacing ignored."""
    return " ".join(label.casefold().split())


def is_machine_label(label: str) -> bool:
    """Whether ``label`` is an anonymous label a tool gave (``SPEAKER_00``, ``S01``)."""
    return _MACHINE.fullmatch(strip_brackets(label).strip()) is not None


def is_clock_label(label: str) -> bool:
    """Whether ``label`` is a time of day (``Kl. 10.30``) rather than a speaker."""
    return _CLOCK_LABEL.fullmatch(label) is not None


class Cast:
    """The participants of one file, one per distinct label, in order of first appearance."""

    def __init__(self) -> None:
        self._by_fold: dict[str, ParsedParticipant] = {}

    def key_for(self, label: str) -> str:
        """The participant key for ``label``, adding the participant on first sight."""
        folded = fold(label)
        participant = self._by_fold.get(folded)
        if participant is None:
            clean = " ".join(label.split())
            participant = ParsedParticipant(key=clean, label=clean, role=infer_role(clean))
            self._by_fold[folded] = participant
        return participant.key

    @property
    def participants(self) -> list[ParsedParticipant]:
        """All participants seen so far."""
        return list(self._by_fold.values())

    def default_kind(self) -> str:
        """focus_group with three or more non-interviewers, interview with any speaker."""
        return default_kind(list(self._by_fold.values()))


def default_kind(participants: list[ParsedParticipant]) -> str:
    """focus_group with three or more non-interviewers, interview with any speaker."""
    speakers = [p for p in participants if p.role != "interviewer"]
    if len(speakers) >= 3:
        return "focus_group"
    return "interview" if participants else "document"
