"""Word transcripts: paragraphs (and table rows) joined by blank lines, then read as text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from kodebog.errors import SourceError
from kodebog.i18n import _, ngettext
from kodebog.privacy.safety import check_zip, short_reason
from kodebog.sources.encoding import normalize_text
from kodebog.sources.layouts import TEXT_LAYOUTS, SpeakerOptions
from kodebog.sources.model import ParsedSource
from kodebog.sources.transcript import segment_transcript

_RUNS = "w:r | w:hyperlink | w:ins/w:r | w:smartTag/w:r | w:fldSimple/w:r"
"""Run-like children whose text is shown, including accepted tracked insertions."""
_CLOCK = re.compile(r"\[?\(?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\)?\]?")
_SHORT_LABEL = re.compile(r"[^\W\d_][^:\n]{0,39}")


def read_docx(path: Path, options: SpeakerOptions | None = None) -> ParsedSource:
    """Read a ``.docx`` transcript; speakers are found exactly as in a text transcript."""
    options = options or SpeakerOptions()
    options.check(path.name, TEXT_LAYOUTS)
    check_zip(path)
    try:
        document = docx.Document(str(path))
        blocks, rows = _blocks(document)
    except SourceError:
        raise
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise SourceError(_("{path}: is not a valid .docx ({reason})").format(
            path=path, reason=short_reason(exc))) from exc
    text = normalize_text("\n\n".join(blocks))
    if not text.strip():
        raise SourceError(_("{path}: has no text").format(path=path))
    found = segment_transcript(text, options)
    if not found.units:
        raise SourceError(_("{path}: has speaker labels but no spoken text").format(path=path))
    notes = found.notes + ([ngettext("read {count} table row as a paragraph",
                                     "read {count} table rows as paragraphs", rows).format(
        count=rows)] if rows else [])

    return ParsedSource(
        name=path.stem,
        kind=found.kind,
        text=text,
        units=found.units,
        participants=found.participants,
        encoding="utf-8",
        filename=path.name,
        notes=notes,
    )


def _blocks(document: Any) -> tuple[list[str], int]:
    """Non-empty paragraph texts in document order, and how many table rows were among them."""
    blocks: list[str] = []
    rows = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = _paragraph_text(item)
            if text.strip():
                blocks.append(text)
        elif isinstance(item, Table):
            for row in item.rows:
                text = _row_text(row)
                if text:
                    blocks.append(text)
                    rows += 1
    return blocks, rows


def _paragraph_text(paragraph: Paragraph) -> str:
    """The visible text of a paragraph: runs, hyperlinks and tracked insertions."""
    return "".join(element.text for element in paragraph._p.xpath(_RUNS))


def _row_text(row: Any) -> str:
    """A table row as one paragraph; ``tid | taler | tekst`` rows become ``[tid] Taler: tekst``."""
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) in seen:  # a merged cell is returned once per grid column
            continue
        seen.add(id(cell._tc))
        text = "\n".join(_paragraph_text(p) for p in cell.paragraphs).strip()
        if text:
            cells.append(text)
    stamp = ""
    if len(cells) >= 3 and _CLOCK.fullmatch(cells[0]):
        stamp = f"[{cells.pop(0).strip('[]()')}] "
    if len(cells) >= 2 and _SHORT_LABEL.fullmatch(cells[0]) and len(cells[0].split()) <= 5:
        return f"{stamp}{cells[0]}: " + "\n".join(cells[1:])
    return stamp + "\n".join(cells)
