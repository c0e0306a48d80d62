"""Findings as a Markdown report skeleton in the shape of Danish user-survey reports."""

from __future__ import annotations

import re
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.common import (
    DEFINITIONS,
    GROUP_HEADER,
    LEFT_OUT,
    NO_RECOMMENDATIONS,
    NO_STATEMENT,
    RECOMMENDATION,
    RECOMMENDATIONS,
    co_occurring,
    definition_lines,
    group_rows,
    method_line,
    prevalence,
    report_findings,
    rows_left_out,
    summary,
    with_statement,
    write_text,
)
from kodebog.findings import Findings, Quote, Theme
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


def blockquote(quote: Quote) -> list[str]:
    """The quote as a blockquote, line breaks kept, then its attribution and citation."""
    lines: list[str] = []
    text_lines = quote.display.split("\n")
    for i, line in enumerate(text_lines):
        if not line.strip():
            lines.append(">")
            continue
        follows = i + 1 < len(text_lines) and text_lines[i + 1].strip()
        lines.append(f"> {_escape_line(line.strip())}" + ("\\" if follows else ""))
    lines += [">", f"> {escape(quote.attribution)} · `{quote.citation}`"]
    return lines


def _paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    out: list[str] = []
    for block in blocks:
        out += ["\n".join(_escape_line(line.strip()) for line in block.splitlines()), ""]
    return out


def _theme(theme: Theme, findings: Findings) -> list[str]:
    lines = [heading(theme.code.depth + 2, theme.code.label), ""]
    if theme.statement is not None and theme.statement.text.strip():
        lines += _paragraphs(theme.statement.text)
    else:
        lines += [f"_{NO_STATEMENT}_", ""]
    lines += [prevalence(theme, findings.scope), ""]
    rows = group_rows(theme)
    if rows:
        lines += ["| " + " | ".join(GROUP_HEADER) + " |", "|---|---:|---:|"]
        lines += [f"| {_cell(g)} | {u} | {p} |" for g, u, p, _count in rows]
        lines.append("")
        if rows_left_out(theme):
            lines += [f"_{LEFT_OUT}_", ""]
    if co := co_occurring(theme):
        lines += [escape(co), ""]
    for quote in theme.quotes:
        lines += [*blockquote(quote), ""]
    return lines


def render(findings: Findings) -> str:
    """The whole report as Markdown text."""
    lines = [heading(1, findings.title), "", f"_{escape(method_line(findings))}_", ""]
    for theme in findings.themes:
        lines += _theme(theme, findings)
    lines += [heading(2, RECOMMENDATIONS), ""]
    written = with_statement(findings)
    for theme in written:
        lines.append(f"- **{escape(theme.code.label)}:** _{RECOMMENDATION}_")
    if not written:
        lines.append(f"_{escape(NO_RECOMMENDATIONS)}_")
    lines += ["", heading(2, DEFINITIONS), ""]
    for theme in findings.themes:
        block = [f"**{escape(theme.code.label)}** (`{theme.code.id}`)"]
        block += [escape(line) for line in definition_lines(theme)]
        lines += ["\\\n".join(block), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the Markdown report; nothing is written if a check fails."""
    findings = report_findings(store, options, "md")
    write_text(output, render(findings))
    return summary("md", output, findings)
