"""The case sheet: participants and their attributes as a CSV or XLSX to fill in and read back.

Columns: ``source``, ``speaker`` (the label the transcript uses, or the respondent id: the
key), ``name``, ``role``, ``case``, then one column per attribute headed by its display
label. Reading it back sets every attribute column as written (an empty cell clears the
value); ``name``, ``role`` and ``case`` are changed only where a cell has text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, ngettext
from kodebog.participants import (
    attribute_defs,
    ensure_defs,
    format_value,
    infer_kind,
    list_participants,
    log,
    parse_value,
    snapshot,
)
from kodebog.store import Store
from kodebog.store.models import Participant

FIXED = ("source", "speaker", "name", "role", "case")
_SYNONYMS = {"kilde": "source", "taler": "speaker", "label": "speaker", "navn": "name",
             "rolle": "role", "sag": "case"}


@dataclass
class SheetReport:
    """What reading a case sheet did."""

    path: Path
    updated: int = 0
    unchanged: int = 0
    unknown: list[tuple[int, str, str]] = field(default_factory=list)  # line, source, speaker
    columns: dict[str, str] = field(default_factory=dict)  # attribute label -> kind
    not_in_sheet: int = 0
    place: str = "line"

    def lines(self) -> list[str]:
        """The report for the terminal: counts, then every unknown label."""
        kinds = ", ".join(f"{label} ({kind})" for label, kind in self.columns.items())
        updated = ngettext("{n} participant updated", "{n} participants updated",
                           self.updated).format(n=formats.number(self.updated))
        out = [_("{path}: {updated}, {unchanged} unchanged").format(
            path=self.path, updated=updated, unchanged=formats.number(self.unchanged))
            + (_("; attributes: {kinds}").format(kinds=kinds) if kinds else "")]
        if self.not_in_sheet:
            out.append("  " + ngettext(
                "{n} participant of the project is not in the sheet",
                "{n} participants of the project are not in the sheet",
                self.not_in_sheet).format(n=formats.number(self.not_in_sheet)))
        for line, source, speaker in self.unknown:
            out.append("  " + _("{place} {line}: no participant '{speaker}' in source "
                                "'{source}' (skipped)").format(
                place=self.place, line=line, speaker=speaker, source=source))
        return out


def sheet_rows(store: Store) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of the current case sheet (values typed)."""
    with store.read() as session:
        infos = attribute_defs(session)
        people = list_participants(session)
    header = [*FIXED, *(info.label for info in infos)]
    rows = [[p.source, p.speaker, p.label, p.role or "", p.case_key or "",
             *(p.attributes.get(info.name) for info in infos)] for p in people]
    return header, rows


def export_sheet(store: Store, output: Path) -> str:
    """Write the case sheet to ``output`` (.xlsx or .csv); a one-line summary."""
    from kodebog.export.common import write_text, write_with
    from kodebog.export.csv import render
    from kodebog.export.sheets import Sheet, write_xlsx

    header, rows = sheet_rows(store)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        sheet = Sheet(_("Participants"), [header, *rows], len(rows) + 1, len(header),
                      widths=[28, 18, 22, 14, 18, *([18] * (len(header) - len(FIXED)))],
                      freeze_cols=2)
        write_with(output, lambda path: write_xlsx(path, [sheet], title=_("Participants")))
    elif suffix == ".csv":
        write_text(output, render(header, [[format_value(v) for v in row] for row in rows]),
                   bom=True)
    else:
        raise ProjectError(_("{path}: write the case sheet as .xlsx or .csv").format(
            path=output))
    return _("wrote {path}: {participants}, {attributes}").format(
        path=output,
        participants=ngettext("{n} participant", "{n} participants", len(rows)).format(
            n=formats.number(len(rows))),
        attributes=ngettext("{n} attribute", "{n} attributes", len(header) - len(FIXED)).format(
            n=formats.number(len(header) - len(FIXED))))


def import_sheet(store: Store, path: Path, coder: str) -> SheetReport:
    """Read a filled-in case sheet into the project: one transaction, one event."""
    from kodebog.sources.tables import read_csv, read_xlsx

    suffix = path.suffix.lower()
    if not path.is_file():
        raise ProjectError(_("{path}: no such file").format(path=path))
    if suffix == ".xlsx":
        table = read_xlsx(path)
    elif suffix in (".csv", ".tsv"):
        table = read_csv(path, delimiter="\t" if suffix == ".tsv" else None)
    else:
        raise ProjectError(_("{path}: read a case sheet from .xlsx or .csv").format(path=path))
    header = [_SYNONYMS.get(h.strip().lower(), h.strip()) for h in table.header]
    fixed = {name: header.index(name) for name in FIXED if name in header}
    for needed in ("source", "speaker"):
        if needed not in fixed:
            raise ProjectError(_("{path}: no '{column}' column; the sheet needs 'source' and "
                                 "'speaker' (export one with kodebog participants export)")
                               .format(path=path, column=needed))
    report = SheetReport(path, place=table.place)
    with store.write() as session:
        infos = attribute_defs(session)
        by_label = {info.label: info for info in infos} | {info.name: info for info in infos}
        columns: dict[int, tuple[str, str]] = {}
        new_defs: dict[str, tuple[str, str]] = {}
        for index, title in enumerate(header):
            if index in fixed.values():
                continue
            info = by_label.get(title)
            if info is not None:
                columns[index] = (info.name, info.kind)
            else:
                kind = infer_kind(_cell(cells, index) for _line, cells in table.rows)
                columns[index] = (title, kind)
                new_defs[title] = (title, kind)
            report.columns[title] = columns[index][1]
        people = {p.key: p for p in session.scalars(select(Participant))}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        seen: set[str] = set()
        for line, cells in table.rows:
            source, speaker = (_cell(cells, fixed[n]) for n in ("source", "speaker"))
            person = people.get(f"{source}:{speaker}")
            if person is None:
                report.unknown.append((line, source, speaker))
                continue
            seen.add(person.key)
            old = snapshot(person)
            attributes = dict(person.attributes or {})
            for index, (name, kind) in columns.items():
                try:
                    value = parse_value(_cell(cells, index), kind)
                except ValueError as error:
                    raise ProjectError(_("{path}: {place} {line}, column '{column}': {error}")
                                       .format(path=path, place=table.place, line=line,
                                               column=header[index], error=error)) from None
                if value is None:
                    attributes.pop(name, None)
                else:
                    attributes[name] = value
            person.attributes = attributes
            for column, attr in (("name", "label"), ("role", "role"), ("case", "case_key")):
                if column in fixed and (text := _cell(cells, fixed[column])):
                    setattr(person, attr, text.lower() if column == "role" else text)
            new = snapshot(person)
            if new == old:
                report.unchanged += 1
            else:
                report.updated += 1
                before[str(person.id)], after[str(person.id)] = old, new
        report.not_in_sheet = len(set(people) - seen)
        ensure_defs(session, new_defs)
        log(session, coder, "participant.import", "case_sheet", path.name,
            {"participants": before}, {"participants": after})
    return report


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""
