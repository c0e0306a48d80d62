"""Codings as CSV: UTF-8 with a BOM, comma-separated, RFC 4180 quoting."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.common import plural, table_material, write_text
from kodebog.export.sheets import Value
from kodebog.export.xlsx import coding_header, coding_rows
from kodebog.store import Store


def render(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> str:
    """CSV text: every field quoted when it holds a comma, quote or line break; CRLF rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the codings (the columns of the xlsx sheet "Kodninger"); nothing on failure."""
    material = table_material(store, options, "csv")
    write_text(output, render(coding_header(material), coding_rows(material)), bom=True)
    return f"wrote {output} (csv): {plural(len(material.reported_codings), 'coding', 'codings')}"
