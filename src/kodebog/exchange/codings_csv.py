"""Codings from a CSV file (source, unit, code, start, end, key_quote, memo), one transaction."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from kodebog.coding import apply_code_in
from kodebog.errors import KodebogError, SourceError
from kodebog.i18n import _
from kodebog.privacy.safety import check_text_size
from kodebog.queries import find_source, find_unit
from kodebog.store import Store

COLUMNS = ("source", "unit", "code", "start", "end", "key_quote", "memo")
_TRUE = {"1", "true", "yes", "ja", "x"}


@dataclass(frozen=True)
class CodingRow:
    """One coding to apply; ``span`` None means the whole unit."""

    line: int
    source: str
    unit: int
    code: str
    span: tuple[int, int] | None
    key_quote: bool
    memo: str | None


def read_codings_csv(path: Path) -> list[CodingRow]:
    """Parse a codings CSV; SourceError naming the line for anything malformed."""
    try:
        return _read(path)
    except UnicodeDecodeError:
        raise SourceError(_("{path}: not UTF-8 text; save it as UTF-8 CSV").format(
            path=path)) from None
    except csv.Error as error:
        raise SourceError(_("{path}: not a readable CSV ({reason})").format(
            path=path, reason=error)) from None


def _read(path: Path) -> list[CodingRow]:
    check_text_size(path)  # a regular file of sane size: never /dev/zero or a FIFO
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise SourceError(_("{path}: cannot read ({reason})").format(
            path=path, reason=error.strerror)) from None
    rows: list[CodingRow] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("source", "unit", "code") if c not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(_("{path}: missing column(s) {missing}; expected {columns}").format(
                path=path, missing=", ".join(missing), columns=",".join(COLUMNS)))
        for record in reader:
            line = reader.line_num
            try:
                start, end = record.get("start") or "", record.get("end") or ""
                span = (int(start), int(end)) if start.strip() or end.strip() else None
                rows.append(CodingRow(
                    line=line, source=record["source"].strip(), unit=int(record["unit"]),
                    code=record["code"].strip(), span=span,
                    key_quote=(record.get("key_quote") or "").strip().lower() in _TRUE,
                    memo=(record.get("memo") or "").strip() or None,
                ))
            except (ValueError, AttributeError, TypeError):
                raise SourceError(_("{path}:{line}: unit, start and end must be whole "
                                    "numbers").format(path=path, line=line)) from None

    return rows


def apply_codings(store: Store, coder: str, rows: list[CodingRow], path: Path,
                  origin: str = "import") -> int:
    """Apply every row as ``coder`` in one transaction; nothing is stored if one row fails."""
    applied = 0
    with store.write() as session:
        sources = {}
        for row in rows:
            try:
                if row.source not in sources:
                    sources[row.source] = find_source(session, row.source)
                unit = find_unit(session, sources[row.source], row.unit)
                change = apply_code_in(session, coder, unit.id, row.code, row.span,
                                       memo=row.memo, key_quote=row.key_quote or None,
                                       origin=origin)
            except KodebogError as error:
                raise SourceError(f"{path}:{row.line}: {error}") from None
            applied += change.event_id is not None
    return applied
