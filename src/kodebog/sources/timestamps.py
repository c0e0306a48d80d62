"""Recording times in transcripts: ``0:03``, ``1:02:05``, ``[00:00:03.250]``, ``(12:03)``."""

from __future__ import annotations

import re

CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
"""A bare recording time: ``m:ss``, ``mm:ss`` or ``h:mm:ss``, optionally with milliseconds."""
BRACKETED = rf"[\[(]{CLOCK}(?:[ \t]*(?:-->|-|–)[ \t]*{CLOCK})?[\])]"
"""A time in brackets, or a range ``[00:01.000 --> 00:03.000]`` (its start is the time)."""
_FIRST = re.compile(CLOCK)
_AT_END = re.compile(rf"\s*{BRACKETED}\s*\Z")


def hhmmss(stamp: str) -> str:
    """The first time in ``stamp`` as ``hh:mm:ss``: ``[12:03]`` -> ``00:12:03``.

    Milliseconds are dropped; a range gives its start.
    """
    found = _FIRST.search(stamp)
    if found is None:
        raise ValueError(f"no time in {stamp!r}")
    numbers = [int(n) for n in re.split(r"[.,]", found.group())[0].split(":")]
    while len(numbers) < 3:
        numbers.insert(0, 0)
    hours, minutes, seconds = numbers[-3:]
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def trailing_stamp(text: str, start: int, end: int) -> tuple[int, str | None]:
    """A bracketed time ending ``text[start:end]`` (noScribe's ``... [00:00:03]``).

    Returns the new end (before the time) and the time as ``hh:mm:ss``, or ``end`` and None
    when there is no such time or nothing would be left before it.
    """
    found = _AT_END.search(text, start, end)
    if found is None or not text[start : found.start()].strip():
        return end, None
    return found.start(), hhmmss(found.group())
