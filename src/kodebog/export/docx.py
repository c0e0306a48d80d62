"""Findings as a Word report: headings, a table of contents, count tables and quotes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kodebog.export import ExportOptions
from kodebog.export.common import (
    DEFINITIONS,
    GROUP_HEADER,
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
    summary,
    with_statement,
    write_with,
)
from kodebog.findings import Findings, Quote, Theme
from kodebog.store import Store

QUOTE_STYLE = "Citat"
SOURCE_STYLE = "Citatkilde"
TABLE_STYLE = "Light List Accent 1"
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TOC_PLACEHOLDER = ("Indholdsfortegnelsen vises, når felterne opdateres: højreklik her og vælg "
                   "»Opdater felt«, eller tryk F9.")


def _styles(document: Any) -> None:
    styles = document.styles
    normal = styles["Normal"]
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "da-DK")
    normal.element.get_or_add_rPr().append(language)
    quote = styles.add_style(QUOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = normal
    quote.quick_style = True
    quote.font.italic = True
    quote.paragraph_format.left_indent = Cm(1)
    quote.paragraph_format.right_indent = Cm(1)
    quote.paragraph_format.space_after = Pt(2)
    source = styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = normal
    source.quick_style = True
    source.font.size = Pt(9)
    source.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    source.paragraph_format.left_indent = Cm(1)
    source.paragraph_format.space_after = Pt(10)


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A complex field (``fldChar`` begin / instrText / separate / text / end)."""

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run = paragraph.add_run()
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(char("separate"))
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    run._r.append(char("end"))


_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
                        "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping")


def _update_fields_on_open(document: Any) -> None:
    """Ask Word to update the fields (the table of contents) when the file is opened."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = [c for c in settings if c.tag in {qn(f"w:{n}") for n in _AFTER_UPDATE_FIELDS}]
    if later:
        later[0].addprevious(update)
    else:
        settings.append(update)


def _table(document: Any, theme: Theme) -> None:
    rows = group_rows(theme)
    if not rows:
        return
    table = document.add_table(rows=len(rows) + 1, cols=3)
    table.style = document.styles[TABLE_STYLE]
    for cell, text in zip(table.rows[0].cells, GROUP_HEADER, strict=True):
        cell.text = text
    for row, (group, units, people, _count) in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, (group, units, people), strict=True):
            cell.text = text


def _quote(document: Any, quote: Quote) -> None:
    document.add_paragraph(quote.display, style=QUOTE_STYLE)
    document.add_paragraph(f"{quote.attribution} · {quote.citation}", style=SOURCE_STYLE)


def _theme(document: Any, theme: Theme, findings: Findings) -> None:
    document.add_heading(theme.code.label, level=min(theme.code.depth + 1, 3))
    if theme.statement is not None and theme.statement.text.strip():
        for block in theme.statement.text.strip().split("\n\n"):
            document.add_paragraph(block.strip())
    else:
        document.add_paragraph().add_run(NO_STATEMENT).italic = True
    document.add_paragraph(prevalence(theme, findings.scope))
    _table(document, theme)
    if co := co_occurring(theme):
        document.add_paragraph(co)
    for quote in theme.quotes:
        _quote(document, quote)


def build(findings: Findings) -> Any:
    """The report as a python-docx Document."""
    document = Document()
    _styles(document)
    properties = document.core_properties
    properties.title = findings.title
    properties.subject = "Fund fra kvalitativ kodning"
    properties.author = properties.last_modified_by = "kodebog"
    properties.keywords = ", ".join(t.code.id for t in findings.themes)
    properties.comments = method_line(findings)
    properties.language = "da-DK"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    document.add_heading(findings.title, level=0)
    document.add_paragraph().add_run(method_line(findings)).italic = True
    document.add_paragraph("Indhold", style="TOC Heading")
    _field(document.add_paragraph(), TOC_INSTRUCTION, TOC_PLACEHOLDER)
    _update_fields_on_open(document)
    for theme in findings.themes:
        _theme(document, theme, findings)
    document.add_heading(RECOMMENDATIONS, level=1)
    written = with_statement(findings)
    for theme in written:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{theme.code.label}: ").bold = True
        paragraph.add_run(RECOMMENDATION).italic = True
    if not written:
        document.add_paragraph().add_run(NO_RECOMMENDATIONS).italic = True
    document.add_heading(DEFINITIONS, level=1)
    for theme in findings.themes:
        paragraph = document.add_paragraph()
        paragraph.add_run(theme.code.label).bold = True
        paragraph.add_run(f" ({theme.code.id})")
        for line in definition_lines(theme):
            paragraph.add_run().add_break()
            paragraph.add_run(line)
    return document


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the Word report; nothing is written if a check fails."""
    findings = report_findings(store, options)
    document = build(findings)
    write_with(output, lambda path: document.save(str(path)))
    return summary("docx", output, findings)
