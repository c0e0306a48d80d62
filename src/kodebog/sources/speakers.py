"""Speaker labels: recognising ``[00:12:03] Borger 2:`` lines and collecting the cast."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kodebog.sources.model import ParsedParticipant
from kodebog.sources.roles import infer_role, strip_brackets

_TS = r"[\[(](?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?[\])]"
_LINE = re.compile(
    rf"[ \t]*(?:(?P<ts>{_TS})[ \t]*)?(?:\*\*|__)?"
    r"(?P<label>[^\W\d_][^:\n]{0,39}?)(?:\*\*|__)?[ \t]*"
    rf"(?:(?P<ts2>{_TS})[ \t]*)?(?:\*\*|__)?:(?:\*\*|__)?"
)
_NOT_IN_LABEL = frozenset("?!,;\"„“”»«<>{}|/\\*=#@$%^~`+\t")
_NUMBERED = re.compile(r"\d")
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
    label = " ".join(m.group("label").split())
    if (
        not label
        or any(char in _NOT_IN_LABEL for char in strip_brackets(label))
        or len(label.split()) > MAX_WORDS
    ):
        return None  # prose ("Hun sagde, at ..."); brackets may hold "(kvinde, 45)"
    after = line[m.end() : m.end() + 1]
    if after.isdigit() or after == "/":
        return None  # a clock time (kl. 10:30) or a URL, not a speaker
    ts = m.group("ts") or m.group("ts2")
    return LabelMatch(label, m.end(), hhmmss(ts) if ts else None)


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


def hhmmss(stamp: str) -> str:
    """``[12:03]`` or ``(1:02:03.5)`` as ``00:12:03`` / ``01:02:03``."""
    numbers = [int(n) for n in re.split(r"[.,]", stamp.strip("[]() "))[0].split(":")]
    while len(numbers) < 3:
        numbers.insert(0, 0)
    hours, minutes, seconds = numbers[-3:]
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


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
        speakers = [p for p in self._by_fold.values() if p.role != "interviewer"]
        if len(speakers) >= 3:
            return "focus_group"
        return "interview" if self._by_fold else "document"
