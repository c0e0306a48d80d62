"""The report as a Word document: A4, header and page numbers, charts, tables that read well.

``--template FILE.dotx|docx`` uses a municipality's own styles, page setup and header: its
body is emptied and the report written into it. Quotes are kept on the page of their
attribution, table header rows repeat across pages and numbers are right-aligned.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from kodebog import i18n
from kodebog.errors import ProjectError
from kodebog.export import ExportOptions
from kodebog.export import language as speech
from kodebog.export.blocks import (
    Block,
    Bullets,
    Chart,
    Contents,
    Heading,
    Paragraph,
    QuoteBlock,
    Report,
    Table,
)
from kodebog.export.common import report_input, report_options, report_summary, write_with
from kodebog.export.language import _, translate
from kodebog.export.report import build_report
from kodebog.i18n import N_
from kodebog.store import Store

QUOTE_STYLE = "Citat"
SOURCE_STYLE = "Citatkilde"
TABLE_STYLES = ("Light List Accent 1", "Table Grid")
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TOC_PLACEHOLDER = N_("The table of contents appears when the fields are updated: right-click "
                     "here and choose »Update Field«, or press F9.")
A4 = (Twips(11906), Twips(16838))
"""A4 as Word stores it (21.0 x 29.7 cm in twentieths of a point)."""
CHART_WIDTH = Cm(16)
TABLE_WIDTH = Cm(16)
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# --- the document and its template ----------------------------------------------------------


def open_template(path: Path | None) -> Any:
    """A new document, or one on ``path`` (.dotx or .docx) with its body emptied."""
    if path is None:
        return Document()
    path = Path(path).expanduser()
    if path.suffix.lower() not in (".dotx", ".docx"):
        raise ProjectError(i18n._("--template {path}: give a Word template (.dotx) or document "
                                  "(.docx)").format(path=path))
    try:
        data = path.read_bytes()
        document = Document(io.BytesIO(_as_document(data)))
    except OSError as error:
        raise ProjectError(i18n._("--template {path}: cannot read ({reason})").format(
            path=path, reason=error.strerror or error)) from None
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ProjectError(i18n._("--template {path}: not a Word file (.dotx/.docx); save it "
                                  "from Word as a template and try again").format(
                                      path=path)) from None
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _as_document(data: bytes) -> bytes:
    """A .dotx package with its main part typed as a document, so python-docx opens it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").decode("utf-8")
    if _TEMPLATE_TYPE not in types:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def _style(document: Any, name: str, kind: WD_STYLE_TYPE) -> Any | None:
    try:
        style = document.styles[name]
    except KeyError:
        return None
    return style if style.type == kind else None


def _styles(document: Any) -> None:
    """The report's own styles, added where the template has none of that name."""
    styles = document.styles
    normal = styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    if rpr.find(qn("w:lang")) is None:
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "da-DK")
        rpr.append(language)
    if _style(document, QUOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH) is None:
        quote = styles.add_style(QUOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        quote.base_style = normal
        quote.quick_style = True
        quote.font.italic = True
        quote.paragraph_format.left_indent = Cm(1)
        quote.paragraph_format.right_indent = Cm(1)
        quote.paragraph_format.space_after = Pt(2)
        quote.paragraph_format.keep_with_next = True
        quote.paragraph_format.keep_together = True
    if _style(document, SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH) is None:
        source = styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        source.base_style = normal
        source.quick_style = True
        source.font.size = Pt(9)
        source.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        source.paragraph_format.left_indent = Cm(1)
        source.paragraph_format.space_after = Pt(10)
        source.paragraph_format.keep_together = True


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A complex field (``fldChar`` begin / instrText / separate / text / end)."""

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        return element

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(char("end"))


_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
                        "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping")


def _update_fields_on_open(document: Any) -> None:
    """Ask Word to update the fields (contents, page numbers) when the file is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = [c for c in settings if c.tag in {qn(f"w:{n}") for n in _AFTER_UPDATE_FIELDS}]
    if later:
        later[0].addprevious(update)
    else:
        settings.append(update)


def _page(document: Any, report: Report) -> None:
    """A4 pages, the report's title in the header and ``Side x af y`` in the footer.

    A template's margins are kept; its header and footer too when they have text.
    """
    for section in document.sections:
        section.page_width, section.page_height = A4
        if not any(p.text.strip() for p in section.header.paragraphs):
            header = section.header.paragraphs[0]
            header.text = report.header
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in header.runs:
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        if not any(p.text.strip() for p in section.footer.paragraphs):
            footer = section.footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            before, _page, middle, _pages, after = _split_page_text(
                _("Page {page} of {pages}"))
            footer.add_run(before)
            _field(footer, "PAGE", "1")
            footer.add_run(middle)
            _field(footer, "NUMPAGES", "1")
            if after:
                footer.add_run(after)


def _split_page_text(text: str) -> tuple[str, str, str, str, str]:
    """``Side {page} af {pages}`` as the text around the two page fields."""
    before, _sep, rest = text.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    return before, "{page}", middle, "{pages}", after


# --- blocks ----------------------------------------------------------------------------------


class _Writer:
    """Writes blocks; styles are looked up once and set by id (fast for long reports)."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self._ids: dict[str, str | None] = {}
        found = (_style(document, name, WD_STYLE_TYPE.TABLE) for name in TABLE_STYLES)
        style = next((s for s in found if s is not None), None)
        self.table_style: str | None = style.style_id if style is not None else None

    def style_id(self, name: str) -> str | None:
        if name not in self._ids:
            style = _style(self.document, name, WD_STYLE_TYPE.PARAGRAPH)
            self._ids[name] = style.style_id if style is not None else None
        return self._ids[name]

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        paragraph = self.document.add_paragraph(text)
        if style and (style_id := self.style_id(style)):
            paragraph._p.style = style_id
        return paragraph

    def write(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.paragraph(block.text, f"Heading {min(block.level, 9)}")
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, Bullets):
            for item in block.items:
                if self.style_id("List Bullet"):
                    self.paragraph(item, "List Bullet")
                else:
                    self.paragraph(f"• {item}")
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, QuoteBlock):
            self.paragraph(block.text, QUOTE_STYLE).paragraph_format.keep_with_next = True
            self.paragraph(block.attribution, SOURCE_STYLE)
        elif isinstance(block, Chart):
            self._chart(block)
        elif isinstance(block, Contents):
            self.paragraph(_("Contents"), "TOC Heading")
            _field(self.paragraph(), TOC_INSTRUCTION, translate(TOC_PLACEHOLDER))

    def _paragraph(self, block: Paragraph) -> None:
        paragraph = self.paragraph()
        if block.lead:
            paragraph.add_run(block.lead).bold = True
            paragraph.add_run().add_break()
        run = paragraph.add_run(block.text)
        if block.note:
            run.italic = True
            run.font.size = Pt(9.5)

    def _table(self, block: Table) -> None:
        table = self.document.add_table(rows=len(block.rows) + 1, cols=len(block.header))
        if self.table_style:
            table._tbl.tblStyle_val = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        cells = table._cells  # every cell once; row.cells rebuilds the list on each call
        width = len(block.header)
        for i, text in enumerate([*block.header, *(c for row in block.rows for c in row)]):
            cell = cells[i]
            cell.text = text
            paragraph = cell.paragraphs[0]
            if block.numeric[i % width]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if i < width:
                for run in paragraph.runs:
                    run.bold = True
        weights = [1.0 if numeric else 2.4 for numeric in block.numeric]
        widths = [int(TABLE_WIDTH * w / sum(weights)) for w in weights]
        table.autofit = False
        for column, column_width in zip(table.columns, widths, strict=True):
            column.width = column_width
        for i, cell in enumerate(cells):
            cell.width = widths[i % width]
        for index, row in enumerate(table.rows):
            properties = row._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if index == 0:
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                properties.append(header)
        if block.caption:
            caption = self.paragraph(block.caption)
            for run in caption.runs:
                run.italic = True
                run.font.size = Pt(9)

    def _chart(self, block: Chart) -> None:
        from kodebog.export.chart import chart_png

        self.document.add_picture(io.BytesIO(chart_png(block)), width=CHART_WIDTH)
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        caption = self.paragraph(_("Figure: {title}.").format(title=block.title)
                                 + (f" {block.note}" if block.note else ""))
        for run in caption.runs:
            run.italic = True
            run.font.size = Pt(9)


def _properties(document: Any, report: Report) -> None:
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.subtitle
    properties.author = properties.last_modified_by = "kodebog"
    properties.keywords = _("qualitative analysis")
    properties.comments = ""
    properties.language = "da-DK" if speech.language() == "da" else "en-GB"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)


def build(report: Report, template: Path | None = None) -> Any:
    """The report as a python-docx Document."""
    document = open_template(template)
    _styles(document)
    _properties(document, report)
    _page(document, report)
    out = _Writer(document)
    out.paragraph(report.title, "Title")
    out.paragraph(report.subtitle, "Subtitle")
    for block in report.blocks:
        out.write(block)
    _update_fields_on_open(document)
    return document


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the Word report; nothing is written if a check fails."""
    findings, facts = report_input(store, options, "docx")
    report = build_report(findings, facts, report_options(options))
    document = build(report, options.template)
    write_with(output, lambda path: document.save(str(path)))
    return report_summary("docx", output, report)
