"""Reading a table (header and rows of strings) from CSV, TSV or the sheet of an XLSX file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.escape import unescape

from kodebog.errors import SourceError
from kodebog.i18n import _
from kodebog.privacy.safety import check_zip, short_reason
from kodebog.sources.encoding import encoding_note, normalize_text, read_text_file

_DELIMITERS = (";", ",", "\t")
_SNIFF_RECORDS = 50


@dataclass
class Table:
    """A header and the non-empty rows below it, each with the line (or row) it starts on."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    place: str = "line"  # what the numbers in ``rows`` count: "line" (CSV) or "row" (XLSX)
    notes: list[str] = field(default_factory=list)


def read_csv(path: Path, *, delimiter: str | None = None) -> Table:
    """Read a CSV/TSV file; the delimiter is ``;``, ``,`` or tab, sniffed when not given."""
    text, codec = read_text_file(path)
    notes = [note] if (note := encoding_note(codec)) else []
    delimiter = delimiter or _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if not _blank(cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(_("{path}: line {line}: {problem}").format(
            path=path, line=line, problem=_csv_problem(exc))) from exc
    if delimiter != ",":
        notes.append(_("columns separated by {delimiter}").format(
            delimiter=_("tab") if delimiter == chr(9) else repr(delimiter)))
    return _table(path, records, codec, "line", notes)


def read_xlsx(path: Path, *, sheet: str | None = None) -> Table:
    """Read the first (or the named) sheet of an ``.xlsx`` workbook."""
    check_zip(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SourceError(_invalid_xlsx(path, exc)) from exc
    try:
        names = [ws.title for ws in workbook.worksheets]
        if not names:
            raise SourceError(_("{path}: has no worksheets").format(path=path))
        if sheet is not None and sheet not in names:
            raise SourceError(_("{path}: no sheet {sheet}; sheets are: {sheets}").format(
                path=path, sheet=repr(sheet), sheets=", ".join(names)))
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        records = [
            (number, cells)
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            if not _blank(cells := [_cell_text(value) for value in values])
        ]
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(_invalid_xlsx(path, exc)) from exc
    finally:
        workbook.close()
    notes = []
    if len(names) > 1:
        notes.append(_("read sheet {sheet} of {count}: {sheets}").format(
            sheet=repr(worksheet.title), count=len(names), sheets=", ".join(names)))
    return _table(path, records, "utf-8", "row", notes)


def _invalid_xlsx(path: Path, exc: Exception) -> str:
    return _("{path}: is not a valid .xlsx ({reason})").format(
        path=path, reason=short_reason(exc))


def _table(
    path: Path, records: list[tuple[int, list[str]]], codec: str, place: str, notes: list[str]
) -> Table:
    """Split records into a named header and rows."""
    if not records:
        raise SourceError(_("{path}: has no rows at all").format(path=path))
    first = records[0][1]
    header = [cell.strip() or f"column {n}" for n, cell in enumerate(first, start=1)]
    seen: dict[str, int] = {}
    for n, name in enumerate(header, start=1):
        if name in seen:
            raise SourceError(
                _("{path}: column name {name} appears twice (columns {first} and {second}); "
                  "rename one").format(path=path, name=repr(name), first=seen[name], second=n)
            )
        seen[name] = n
    if len(records) == 1:
        raise SourceError(_("{path}: has a header row but no answers below it").format(
            path=path))
    return Table(header, records[1:], codec, place, notes)


def _csv_problem(exc: csv.Error) -> str:
    """What to tell the user about a CSV syntax error."""
    reason = str(exc)
    if "field limit" in reason:
        return _("a cell is longer than 128 KB; check for a quote that is never closed")
    if "end of data" in reason:
        return _("a quote is opened but never closed")
    return _("{reason}; a quote inside a cell must be doubled (\"\")").format(reason=reason)



def _blank(cells: list[str]) -> bool:
    """Whether a record has no visible content (an empty line or a row of empty cells)."""
    joined = "".join(cells)
    return not joined or joined.isspace()


def _sniff(text: str) -> str:
    """The delimiter that splits the first records into the most, equally wide columns."""
    sample = text[: 256 * 1024]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths: list[int] = []
        try:
            for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if cells:
                    widths.append(len(cells))
                if len(widths) >= _SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        score = (sum(1 for w in widths if w == widths[0]), widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _cell_text(value: object) -> str:
    """An Excel cell value as the text an analyst sees."""
    if value is None:
        return ""
    if isinstance(value, str):
        return normalize_text(unescape(value) if "_x" in value else value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
