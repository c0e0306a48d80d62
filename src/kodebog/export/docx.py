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


class _Writer:
    """A document whose styles are looked up once and set by id.

    python-docx searches the whole style list each time a style is assigned by name or
    object; setting the style id on the element directly keeps a report with many quotes
    and tables fast.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self._ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self.document.styles[name].style_id
        return self._ids[name]

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        paragraph = self.document.add_paragraph(text)
        if style:
            paragraph._p.style = self.style_id(style)
        return paragraph

    def heading(self, text: str, level: int) -> Any:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def italic(self, text: str) -> None:
        self.paragraph().add_run(text).italic = True


def _table(out: _Writer, theme: Theme) -> None:
    rows = group_rows(theme)
    if not rows:
        return
    table = out.document.add_table(rows=len(rows) + 1, cols=3)
    table._tbl.tblStyle_val = out.style_id(TABLE_STYLE)
    texts = [*GROUP_HEADER, *(t for group, units, people, _c in rows for t in (group, units,
                                                                              people))]
    # table._cells lists every cell once; row.cells rebuilds that list on each call
    for cell, text in zip(table._cells, texts, strict=True):
        cell.text = text
    if rows_left_out(theme):
        out.italic(LEFT_OUT)


def _theme(out: _Writer, theme: Theme, findings: Findings) -> None:
    out.heading(theme.code.label, min(theme.code.depth + 1, 3))
    if theme.statement is not None and theme.statement.text.strip():
        for block in theme.statement.text.strip().split("\n\n"):
            out.paragraph(block.strip())
    else:
        out.italic(NO_STATEMENT)
    out.paragraph(prevalence(theme, findings.scope))
    _table(out, theme)
    if co := co_occurring(theme):
        out.paragraph(co)
    for quote in theme.quotes:
        _quote(out, quote)


def _quote(out: _Writer, quote: Quote) -> None:
    out.paragraph(quote.display, QUOTE_STYLE)
    out.paragraph(f"{quote.attribution} · {quote.citation}", SOURCE_STYLE)


def _properties(document: Any, findings: Findings) -> None:
    properties = document.core_properties
    properties.title = findings.title
    properties.subject = "Fund fra kvalitativ kodning"
    properties.author = properties.last_modified_by = "kodebog"
    properties.keywords = ", ".join(t.code.id for t in findings.themes)
    properties.comments = method_line(findings)
    properties.language = "da-DK"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)


def build(findings: Findings) -> Any:
    """The report as a python-docx Document."""
    document = Document()
    _styles(document)
    _properties(document, findings)
    out = _Writer(document)
    out.heading(findings.title, 0)
    out.italic(method_line(findings))
    out.paragraph("Indhold", "TOC Heading")
    _field(out.paragraph(), TOC_INSTRUCTION, TOC_PLACEHOLDER)
    _update_fields_on_open(document)
    for theme in findings.themes:
        _theme(out, theme, findings)
    out.heading(RECOMMENDATIONS, 1)
    written = with_statement(findings)
    for theme in written:
        paragraph = out.paragraph(style="List Bullet")
        paragraph.add_run(f"{theme.code.label}: ").bold = True
        paragraph.add_run(RECOMMENDATION).italic = True
    if not written:
        out.italic(NO_RECOMMENDATIONS)
    out.heading(DEFINITIONS, 1)
    for theme in findings.themes:
        paragraph = out.paragraph()
        paragraph.add_run(theme.code.label).bold = True
        paragraph.add_run(f" ({theme.code.id})")
        for line in definition_lines(theme):
            paragraph.add_run().add_break()
            paragraph.add_run(line)
    return document


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the Word report; nothing is written if a check fails."""
    findings = report_findings(store, options, "docx")
    document = build(findings)
    write_with(output, lambda path: document.save(str(path)))
    return summary("docx", output, findings)
