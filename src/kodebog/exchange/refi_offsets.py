"""Selection offsets: which counting convention a file used, and re-anchoring on the text.

Exports disagree on what ``startPosition`` counts: code points, UTF-16 code units or UTF-8
bytes; line breaks as in the file, always one, or always two (CRLF); a byte-order mark
counted or not. Each convention maps positions in the file's text to indices in kodebog's
normalised text (no BOM, LF line breaks, NFC). The one under which the most selections'
names match their text (or, failing that, fall on word boundaries) is chosen per source.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kodebog.exchange.refi_common import fold_text
from kodebog.i18n import N_, translate
from kodebog.sources.encoding import normalize_text

UNITS = {"cp": N_("code points"), "utf16": N_("UTF-16 code units"), "utf8": N_("UTF-8 bytes")}
NEWLINES = {"one": N_("line breaks as one"), "file": N_("CRLF as two"),
            "two": N_("every line break as two")}
_BOM_COUNTED = N_("BOM counted")

_EVENT = re.compile(r"\r\n|[\r\n]|[^\x00-\x7f]")
_BREAKS_ALONE = re.compile(r"\r(?!\n)|(?<!\r)\n")
_ELLIPSIS = ("…", "...")


@dataclass(frozen=True)
class Convention:
    """How a file counts positions."""

    unit: str = "cp"
    newlines: str = "one"
    bom: bool = False

    def describe(self, translated: bool = False) -> str:
        """E.g. ``UTF-16 code units, CRLF as two, BOM counted``.

        English unless ``translated``: the English text is stored with a flagged coding.
        """
        parts = [UNITS[self.unit], NEWLINES[self.newlines]] + ([_BOM_COUNTED] if self.bom else [])
        return ", ".join(translate(part) if translated else part for part in parts)



@dataclass(frozen=True)
class _Event:
    """A stretch of the file's text that does not map one to one: a line break or cluster."""

    raw: str
    t_start: int
    t_len: int
    is_break: bool


class TextMap:
    """The file's text against kodebog's normalised text, ready for any convention."""

    def __init__(self, raw: str, has_bom: bool) -> None:
        self.raw = raw
        self.has_bom = has_bom
        self.events, self.gaps, self.text = _events(raw)
        self.exact = self.text == normalize_text(raw)

    def conventions(self) -> list[Convention]:
        """The conventions that differ for this text, most likely first."""
        units = ["cp"]
        if any(ord(c) > 0xFFFF for c in self.raw):
            units.append("utf16")
        if not self.raw.isascii():
            units.append("utf8")
        newlines = ["one"]
        if "\r\n" in self.raw:
            newlines.append("file")
        if _BREAKS_ALONE.search(self.raw):
            newlines.append("two")
        boms = [False, True] if self.has_bom else [False]
        return [Convention(u, n, b) for b in boms for n in newlines for u in units]

    def canonical(self, convention: Convention) -> Convention:
        """The convention of :meth:`conventions` that counts this text exactly as ``convention``."""
        unit = convention.unit
        if unit == "utf16" and not any(ord(c) > 0xFFFF for c in self.raw):
            unit = "cp"
        if unit == "utf8" and self.raw.isascii():
            unit = "cp"
        crlf, alone = "\r\n" in self.raw, bool(_BREAKS_ALONE.search(self.raw))
        newlines = convention.newlines
        if newlines == "two" and not alone:
            newlines = "file"
        if newlines == "file" and not crlf:
            newlines = "one"
        return Convention(unit, newlines, convention.bom and self.has_bom)

    def mapping(self, convention: Convention) -> Mapping:
        """Positions under ``convention`` to indices in the normalised text."""
        return Mapping(self, convention)


def _events(raw: str) -> tuple[list[_Event], list[int], str]:
    """Line breaks and non-ASCII clusters, each with the ASCII gap before it; the new text."""
    events: list[_Event] = []
    gaps: list[int] = []
    pieces: list[str] = []
    position = 0  # in raw
    t = 0
    for match in _EVENT.finditer(raw):
        start, chars = match.start(), match.group()
        if start < position:
            continue  # already swallowed by a cluster
        is_break = chars[0] in "\r\n"
        end = match.end()
        if not is_break:
            if unicodedata.combining(chars) and start > position:
                start -= 1  # the ASCII base letter before it belongs to the cluster
            while end < len(raw) and unicodedata.combining(raw[end]):
                end += 1
        gap = raw[position:start]
        pieces.append(gap)
        t += len(gap)
        cluster = raw[start:end]
        out = "\n" if is_break else unicodedata.normalize("NFC", cluster)
        gaps.append(len(gap))
        events.append(_Event(cluster, t, len(out), is_break))
        pieces.append(out)
        t += len(out)
        position = end
    tail = raw[position:]
    pieces.append(tail)
    gaps.append(len(tail))
    return events, gaps, "".join(pieces)


def _size(text: str, unit: str) -> int:
    if unit == "cp":
        return len(text)
    if unit == "utf16":
        return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class Mapping:
    """One convention's positions mapped onto the normalised text."""

    def __init__(self, text_map: TextMap, convention: Convention) -> None:
        self.convention = convention
        self.length = len(text_map.text)
        self.u_starts: list[int] = []
        self.t_starts: list[int] = []
        self.linear: list[bool] = []
        u = _size("\ufeff", convention.unit) if text_map.has_bom and convention.bom else 0
        t = 0
        if u:
            self._add(0, 0, linear=False)
        widths = {"one": 1, "two": 2}
        for gap, event in zip(text_map.gaps, text_map.events, strict=False):
            self._add(u, t, linear=True)
            u, t = u + gap, t + gap
            self._add(u, t, linear=False)
            if event.is_break:
                u += widths.get(convention.newlines, len(event.raw))
            else:
                u += _size(event.raw, convention.unit)
            t += event.t_len
        self._add(u, t, linear=True)
        self.total = u + text_map.gaps[-1]

    def _add(self, u: int, t: int, *, linear: bool) -> None:
        if self.u_starts and self.u_starts[-1] == u:
            self.t_starts[-1], self.linear[-1] = t, linear
        else:
            self.u_starts.append(u)
            self.t_starts.append(t)
            self.linear.append(linear)

    def index(self, position: int) -> tuple[int, bool] | None:
        """The text index for a position and whether it falls on a character boundary."""
        if position < 0 or position > self.total:
            return None
        if position == self.total:
            return self.length, True
        i = bisect.bisect_right(self.u_starts, position) - 1
        offset = position - self.u_starts[i]
        if offset == 0:
            return self.t_starts[i], True
        if self.linear[i]:
            return self.t_starts[i] + offset, True
        return self.t_starts[i], False

    def span(self, start: int, end: int) -> tuple[int, int, bool] | None:
        """Text indices for a selection; None when a position is outside the text."""
        first, last = self.index(start), self.index(end)
        if first is None or last is None:
            return None
        return first[0], last[0], first[1] and last[1]


@dataclass(frozen=True)
class Hint:
    """What a selection's name says about its text: the words and whether it was cut."""

    text: str
    truncated: bool

    @classmethod
    def of(cls, name: str) -> Hint | None:
        """The hint in a selection's name, or None for a blank name."""
        folded = fold_text(name)
        truncated = folded.endswith(_ELLIPSIS)
        for mark in _ELLIPSIS:
            folded = folded.removesuffix(mark)
        folded = folded.rstrip()
        return cls(folded, truncated) if folded else None

    def matches(self, piece: str) -> bool:
        """Whether ``piece`` of the text is what the name says."""
        folded = fold_text(piece)
        return folded.startswith(self.text) if self.truncated else folded == self.text

    def find(self, text: str, near: int) -> tuple[int, int] | None:
        """The occurrence of the hint in ``text`` nearest to ``near``, or None."""
        pattern = r"\s+".join(re.escape(word) for word in self.text.split())
        found = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
        if not found:
            return None
        return min(found, key=lambda span: (abs(span[0] - near), span[0]))


@dataclass(frozen=True)
class Placement:
    """Where a selection lies in the normalised text and how that was decided."""

    start: int
    end: int
    how: str  # position | text | whole


def _plausible(text: str, start: int, end: int) -> int:
    """Boundaries (0-2) that do not cut through a word."""

    def clean(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())

    return clean(start) + clean(end)


def choose(
    text_map: TextMap, selections: Sequence[tuple[int, int, Hint | None]]
) -> Mapping | None:
    """The mapping under which the selections fit the text best; None if none maps."""
    if not text_map.exact:
        return None
    best: tuple[tuple[int, int, int], Mapping] | None = None
    for rank, convention in enumerate(text_map.conventions()):
        mapping = text_map.mapping(convention)
        matches = plausible = 0
        for start, end, hint in selections:
            span = mapping.span(start, end)
            if span is None or not span[2] or span[1] <= span[0]:
                continue
            plausible += _plausible(text_map.text, span[0], span[1])
            if hint is not None and hint.matches(text_map.text[span[0] : span[1]]):
                matches += 1
        score = (matches, plausible, -rank)
        if best is None or score > best[0]:
            best = (score, mapping)
    return best[1] if best else None


def place(
    text: str, mapping: Mapping | None, start: int, end: int | None, hint: Hint | None
) -> Placement | None:
    """Place one selection: by position when its name agrees, else on its text."""
    if end is None:
        return Placement(0, len(text), "whole")
    span = mapping.span(start, end) if mapping is not None else None
    if span is not None and span[1] > span[0]:
        s, e = span[0], span[1]
        if hint is None or hint.matches(text[s:e]):
            return Placement(s, e, "position")
    guess = span[0] if span is not None else start
    found = hint.find(text, guess) if hint is not None else None
    if found is not None and hint is not None:
        s, e = found
        if hint.truncated and span is not None:
            e = max(e, min(len(text), s + span[1] - span[0]))
        return Placement(s, e, "text")
    if span is not None and span[1] > span[0]:
        return Placement(span[0], span[1], "position")  # the name is a label, not the text
    return None
