"""Writing what the retrieve and compare screens show: xlsx, csv or docx, atomically.

Passages go through the personal-data check of the other exports (refused unless allowed);
the files are written by the existing export code (``export.sheets``, ``export.csv``,
``export.common.atomic_output`` and the Word report's styles).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kodebog.errors import ProjectError
from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.participants import format_value
from kodebog.views.compare import Matrix
from kodebog.views.people import Person
from kodebog.views.retrieve import RetrieveResult

PASSAGE_HEADER = [N_("source"), N_("unit"), N_("speaker"), N_("participant"), N_("role"),
                  N_("coder"), N_("code"), N_("start"), N_("end"), N_("quote"), N_("memo"),
                  N_("key quote")]
"""The passage sheet's columns (translated when written)."""
FORMATS = (".xlsx", ".csv", ".docx")


def _check(result: RetrieveResult) -> None:
    from kodebog.findings import check_personal_data

    items: list[tuple[str, str]] = []
    for p in result.passages:
        where = f"{p.source} #{p.unit} ({p.code}, {p.coder})"
        items.append((_("the passage {where}").format(where=where), p.text))
        if p.memo:
            items.append((_("the memo of {where}").format(where=where), p.memo))
    check_personal_data(items)


def passage_rows(result: RetrieveResult, people: Mapping[int, Person] | None = None,
                 attributes: Mapping[str, str] | None = None) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: one row per passage with its attribution and attributes."""
    attributes = attributes or {}
    by_case: dict[str, Person] = {}
    for person in (people or {}).values():
        by_case.setdefault(person.case, person)
    header = [*(translate(name) for name in PASSAGE_HEADER), *attributes.values()]
    rows = []
    for p in result.passages:
        found = by_case.get(p.case) if p.case else None
        values = [format_value(found.attributes.get(name)) if found else ""
                  for name in attributes]
        rows.append([p.source, p.unit, p.speaker or "", p.participant or "", p.role or "",
                     p.coder, "+".join(p.codes), p.start, p.end, p.text, p.memo or "",
                     1 if p.key_quote else 0, *values])
    return header, rows


def write_passages(output: Path, result: RetrieveResult, *, title: str,
                   people: Mapping[int, Person] | None = None,
                   attributes: Mapping[str, str] | None = None,
                   allow_personal_data: bool = False) -> str:
    """Write the passages to ``output`` (.xlsx, .csv or .docx); a one-line summary."""
    suffix = _suffix(output)
    if not allow_personal_data:
        _check(result)
    header, rows = passage_rows(result, people, attributes)
    if suffix == ".docx":
        _passages_docx(output, result, title)
    else:
        _table(output, suffix, _("Passages"), header, rows)
    return _("wrote {path}: {summary}").format(path=output, summary=result.summary())


def check_matrix(matrix: Matrix) -> None:
    """PersonalDataError if a group's name (an attribute's value, a source's name) holds
    personal data: the groups are what a matrix carries besides the codebook and counts."""
    from kodebog.findings import check_personal_data

    check_personal_data((_("column {n} of the matrix").format(n=n), matrix.column_label(key))
                        for n, key in enumerate(matrix.columns, start=2))


def write_matrix(output: Path, matrix: Matrix, allow_personal_data: bool = False) -> str:
    """Write a comparison matrix to ``output`` (.xlsx or .csv); a one-line summary."""
    suffix = _suffix(output)
    if suffix == ".docx":
        raise ProjectError(_("{path}: write the matrix as .xlsx or .csv").format(path=output))
    if not allow_personal_data:
        check_matrix(matrix)
    rows = matrix.sheet_rows()
    _table(output, suffix, _("Comparison"), rows[0], rows[1:])
    return _("wrote {path}: {codes} x {columns}").format(
        path=output,
        codes=ngettext("{n} code", "{n} codes", len(matrix.rows)).format(
            n=formats.number(len(matrix.rows))),
        columns=ngettext("{n} column", "{n} columns", len(matrix.columns)).format(
            n=formats.number(len(matrix.columns))))


def _suffix(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise ProjectError(_("{path}: name a .xlsx, .csv or .docx file").format(path=output))
    return suffix


def _table(output: Path, suffix: str, name: str, header: list[Any],
           rows: list[list[Any]]) -> None:
    from kodebog.export.common import write_text, write_with
    from kodebog.export.csv import render
    from kodebog.export.sheets import Percent, Sheet, write_xlsx

    if suffix == ".csv":
        text_rows = [["" if v is None else format_value(v) if isinstance(v, float) else v
                      for v in row] for row in rows]
        write_text(output, render([str(h) for h in header], text_rows), bom=True)
        return
    cells = [[Percent(v) if isinstance(v, float) else v for v in row] for row in rows]
    sheet = Sheet(name, [header, *cells], len(rows) + 1, len(header))
    write_with(output, lambda path: write_xlsx(path, [sheet], title=name))


def _passages_docx(output: Path, result: RetrieveResult, title: str) -> None:
    from docx import Document

    from kodebog.export.common import write_with
    from kodebog.export.docx import QUOTE_STYLE, SOURCE_STYLE, _styles

    document = Document()
    _styles(document)
    document.core_properties.title = title
    document.core_properties.author = "kodebog"
    document.add_heading(title, 0)
    document.add_paragraph(result.summary()).runs[0].italic = True
    source = None
    for p in result.passages:
        if p.source != source:
            source = p.source
            document.add_heading(source, 1)
        document.add_paragraph(f"»{p.text}«", QUOTE_STYLE)
        who = ", ".join(x for x in (p.participant or p.speaker, p.role) if x)
        mark = " · " + _("key quote") if p.key_quote else ""
        who = who or _("unknown")
        document.add_paragraph(f"— {who} · {p.source} #{p.unit} · "
                               f"{'+'.join(p.codes)} ({p.coder}){mark}", SOURCE_STYLE)
        if p.memo:
            document.add_paragraph(_("Memo: {memo}").format(memo=p.memo), SOURCE_STYLE)
    write_with(output, lambda path: document.save(str(path)))
