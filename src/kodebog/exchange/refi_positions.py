"""Positions as the target tool counts them: code points or UTF-16 units, LF or CRLF."""

from __future__ import annotations

import bisect

from kodebog.errors import ProjectError
from kodebog.i18n import _

OFFSETS = ("codepoints", "utf16")
"""``--offsets``: code points (the standard's characters) or UTF-16 code units (NVivo)."""

LINE_ENDINGS = ("lf", "crlf")
"""``--line-endings``: how the sources' text files break lines (CRLF for MAXQDA)."""


class Positions:
    """Maps indices into a stored source text onto positions in the file written for it."""

    def __init__(self, text: str, offsets: str = "codepoints", line_endings: str = "lf") -> None:
        if offsets not in OFFSETS:
            raise ProjectError(_("--offsets {value}: choose one of {choices}").format(
                value=offsets, choices=", ".join(OFFSETS)))
        if line_endings not in LINE_ENDINGS:
            raise ProjectError(_("--line-endings {value}: choose one of {choices}").format(
                value=line_endings, choices=", ".join(LINE_ENDINGS)))

        self.crlf = line_endings == "crlf"
        self.breaks = [i for i, c in enumerate(text) if c == "\n"] if self.crlf else []
        self.astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF] if (
            offsets == "utf16") else []
        self.text = text

    def file_text(self) -> str:
        """The source's text as written into the .qdpx."""
        return self.text.replace("\n", "\r\n") if self.crlf else self.text

    def __call__(self, index: int) -> int:
        """The position of ``text[index]`` in the written file, in the chosen units."""
        return (index + bisect.bisect_left(self.breaks, index)
                + bisect.bisect_left(self.astral, index))
