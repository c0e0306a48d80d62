"""Codings as CSV: UTF-8 with a BOM, comma-separated, RFC 4180 quoting, no formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.common import table_material, write_text
from kodebog.export.sheets import Value
from kodebog.export.xlsx import coding_header, coding_rows
from kodebog.i18n import _, formats, ngettext
from kodebog.store import Store

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by spreadsheets (OWASP)."""


def neutralise(value: Value) -> Value:
    """A text cell that a spreadsheet would run as a formula, with ``'`` put before it.

    The OWASP rule for CSV injection: text starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading single quote. Numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> str:
    """CSV text: text fields quoted (so ``;`` cannot start a cell), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_NONNUMERIC,
                        lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return buffer.getvalue()


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the codings (the columns of the xlsx sheet "Kodninger"); nothing on failure.

    Attribute columns keep their keys (``forloebslaengde``): SPSS wants them as variable
    names.
    """
    material = table_material(store, options, "csv")
    header = coding_header(material, labels=False)
    write_text(output, render(header, coding_rows(material)), bom=True)
    codings = len(material.reported_codings)
    return _("wrote {path} (csv): {codings}").format(
        path=output, codings=ngettext("{n} coding", "{n} codings", codings).format(
            n=formats.number(codings)))
