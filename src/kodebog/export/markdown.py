"""The report in Markdown: the same blocks as the Word report, tables and quotes as text."""

from __future__ import annotations

import re
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.blocks import (
    Block,
    Bullets,
    Chart,
    Heading,
    Paragraph,
    QuoteBlock,
    Report,
    Table,
)
from kodebog.export.common import report_input, report_options, report_summary, write_text
from kodebog.export.report import build_report
from kodebog.store import Store

_INLINE = re.compile(r"[\\`*]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|\[(?=[^\]]*\]\s*[(\[])")
_LINE_START = re.compile(r"^(\s*(?:\d+)?)(>|[#+\-=~](?=\s|$|[#=~-])|(?<=\d)[.)])")
"""What would start a heading, list, quote, rule or fence at the beginning of a line."""


def escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, code, links or HTML.

    Only what would change the rendering is escaped (``[…]`` and ``snake_case`` stay as
    they are), so the raw file reads well too.
    """
    return _INLINE.sub(lambda m: "\\" + m.group(), text)


def _cell(text: str) -> str:
    return escape(text).replace("|", "\\|")


def _escape_line(line: str) -> str:
    escaped = escape(line)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def heading(level: int, text: str) -> str:
    """An ATX heading, levels 1-6."""
    return f"{'#' * max(1, min(level, 6))} {escape(text)}"


def blockquote(text: str, attribution: str) -> list[str]:
    """A quote as a blockquote, line breaks kept, then its attribution."""
    lines: list[str] = []
    text_lines = text.split("\n")
    for i, line in enumerate(text_lines):
        if not line.strip():
            lines.append(">")
            continue
        follows = i + 1 < len(text_lines) and text_lines[i + 1].strip()
        lines.append(f"> {_escape_line(line.strip())}" + ("\\" if follows else ""))
    lines += [">", f"> {escape(attribution)}"]
    return lines


def _paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    out: list[str] = []
    for block in blocks:
        out += ["\n".join(_escape_line(line.strip()) for line in block.splitlines()), ""]
    return out


def _table(block: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in block.header) + " |",
             "|" + "|".join("---:" if n else "---" for n in block.numeric) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
    lines.append("")
    if block.caption:
        lines += [f"_{escape(block.caption)}_", ""]
    return lines


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [heading(block.level + 1, block.text), ""]
    if isinstance(block, Paragraph):
        if block.lead:
            return [f"**{escape(block.lead)}**\\", *_paragraphs(block.text)]
        if block.note:
            return [f"_{escape(' '.join(block.text.split()))}_", ""]
        return _paragraphs(block.text)
    if isinstance(block, Bullets):
        return [*(f"- {escape(item)}" for item in block.items), ""]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, QuoteBlock):
        return [*blockquote(block.text, block.attribution), ""]
    if isinstance(block, Chart):
        return []  # the table beside it has the numbers; Markdown has no charts
    return []  # Contents: Markdown viewers make their own


def render(report: Report) -> str:
    """The whole report as Markdown text."""
    lines = [heading(1, report.title), "", f"_{escape(report.subtitle)}_", ""]
    for block in report.blocks:
        lines += _block(block)
    return "\n".join(lines).rstrip("\n") + "\n"


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the Markdown report; nothing is written if a check fails."""
    findings, facts = report_input(store, options, "md")
    report = build_report(findings, facts, report_options(options))
    write_text(output, render(report))
    return report_summary("md", output, report)
