"""Unit spans: trimming them to their words and assembling a text from labelled pieces."""

from __future__ import annotations


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink ``text[start:end]`` to exclude surrounding whitespace; None if nothing is left."""
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return None
    start += len(piece) - len(stripped)
    end = start + len(stripped.rstrip())
    return start, end


class TextBuilder:
    """Join pieces with a separator and remember where each piece's body lies."""

    def __init__(self, separator: str = "\n\n") -> None:
        self._separator = separator
        self._parts: list[str] = []
        self._length = 0

    def add(self, body: str, prefix: str = "") -> tuple[int, int]:
        """Append ``prefix + body``; return the span of ``body`` in the final text."""
        if self._parts:
            self._parts.append(self._separator)
            self._length += len(self._separator)
        self._parts.append(prefix)
        self._parts.append(body)
        start = self._length + len(prefix)
        self._length = start + len(body)
        return start, self._length

    def text(self) -> str:
        """The text assembled so far."""
        return "".join(self._parts)
