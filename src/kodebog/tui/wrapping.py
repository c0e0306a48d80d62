"""Word wrapping that keeps character offsets, and the words of a unit for span selection."""

from __future__ import annotations

import re

from rich.cells import cell_len

_CHUNK = re.compile(r"\S+\s*|\s+")
_WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")
_CONTROL = {code: " " for code in (*range(0, 32), 127) if code != 10}


def display_text(text: str) -> str:
    """The text with tabs and control characters shown as spaces (same length, same offsets)."""
    return text.translate(_CONTROL)


def _break_word(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Cut a word longer than the line into pieces that fit."""
    pieces: list[tuple[int, int]] = []
    piece_start, used = start, 0
    for index in range(start, end):
        cells = cell_len(text[index])
        if used + cells > width and index > piece_start:
            pieces.append((piece_start, index))
            piece_start, used = index, 0
        used += cells
    pieces.append((piece_start, end))
    return pieces


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Lines of ``text`` wrapped at ``width`` cells, as (start, end) offsets into ``text``.

    Breaks at spaces, keeps ``\\n`` as a hard break (the newline itself is in no line), cuts
    words longer than a line; trailing spaces stay out of a line's ``end``. Always at least one
    line, so an empty text still takes a row.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    paragraph_start = 0
    for paragraph in text.split("\n"):
        line_start: int | None = None
        line_end = used = 0
        for match in _CHUNK.finditer(paragraph):
            chunk = match.group()
            word = chunk.rstrip()
            start = paragraph_start + match.start()
            word_end = start + len(word)
            if not word:
                continue
            cells = cell_len(word)
            if line_start is not None and used + cells > width:
                lines.append((line_start, line_end))
                line_start = None
            if line_start is None:
                if cells > width:
                    pieces = _break_word(text, start, word_end, width)
                    lines.extend(pieces[:-1])
                    start = pieces[-1][0]
                    cells = cell_len(text[start:word_end])
                line_start, used = start, 0
            used += cells + cell_len(chunk[len(word) :])
            line_end = word_end
        lines.append((paragraph_start, paragraph_start) if line_start is None else (
            line_start, line_end))
        paragraph_start += len(paragraph) + 1
    return lines


def word_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the words of ``text``, punctuation left out."""
    return [match.span() for match in _WORD.finditer(text)]


def offset_at_cell(text: str, start: int, end: int, cell: int) -> int:
    """The offset of the character drawn at ``cell`` cells into the line ``text[start:end]``."""
    used = 0
    for index in range(start, end):
        used += cell_len(text[index])
        if used > cell:
            return index
    return end
