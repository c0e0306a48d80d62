"""Every export format x every field that can carry personal data, CPR, phone and e-mail planted.

Each case plants one identifier in one field of a clean project (directly in the database,
the way a careless import or a memo would put it there). Without consent a format that
writes the field refuses naming the field and writes nothing; with consent it writes it.
A format that does not write the field exports without consent and its output holds no
personal data: so ``FORMAT_FIELDS`` must say exactly what each format writes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kodebog.coding import apply_code, set_memo, set_unit_memo
from kodebog.export import EXPORTERS, ExportOptions, export
from kodebog.findings import set_finding
from kodebog.importing import import_parsed
from kodebog.privacy import PersonalDataError, find_personal_data
from kodebog.privacy.outbound import ALL_FIELDS, FORMAT_FIELDS, Field, scan
from kodebog.privacy.project import project_items
from kodebog.project import init_project
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.store import Store, open_project
from kodebog.store.models import (
    Base,
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Finding,
    Participant,
    Source,
    Unit,
    UnitMemo,
)

PLANTED = {
    "cpr": "010203-1234",
    "phone": "+45 12 34 56 78",
    "email": "mette.hansen@kommune.dk",
}
"""One identifier of each kind; each case plants one of them (padded to one length)."""

NOT_WRITTEN_AS_IS = {(fmt, Field.SOURCE_NAME, "email") for fmt in ("md", "docx", "html")}
"""Reports cite a source by its short name, which breaks an e-mail address into words; the
name still counts as written (and is refused without consent)."""

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

WIDTH = max(map(len, PLANTED.values()))
HOLE = "Q" * WIDTH
"""A stretch of the clean texts that a planted identifier replaces (same length, so every
offset stays valid)."""

CODEBOOK = f"""\
language: da
title: Matrixprojekt
description: Til test
codes:
  - id: tillid
    label: Tillid til kommunen
    description: Beskrivelse {HOLE}
    include: [Når borgeren stoler på kommunen]
"""

FG_TEXT_TURNS = [
    ("Interviewer", f"Hvordan var mødet? {HOLE} tak."),
    ("Borger 1", f"Jeg stolede på dem {HOLE} og det holdt."),
]


def _parsed() -> ParsedSource:
    parts: list[str] = []
    units: list[ParsedUnit] = []
    position = 0
    for label, spoken in FG_TEXT_TURNS:
        start = position + len(label) + 2
        units.append(ParsedUnit(start, start + len(spoken), participant_key=label, speaker=label))
        parts.append(f"{label}: {spoken}")
        position = start + len(spoken) + 2
    return ParsedSource(
        name="fg-matrix", kind="focus_group", text="\n\n".join(parts), units=units,
        participants=[
            ParsedParticipant("Interviewer", "Interviewer", "interviewer", {}),
            ParsedParticipant("Borger 1", "Borger 1", "borger", {"alder": "30-39"}),
        ],
        filename="fg-matrix.txt", encoding="utf-8")


def _build(path: Path, tmp: Path) -> None:
    codebook = tmp / "codebook.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    store = init_project(path, codebook, coder="anna")
    try:
        import_parsed(store, _parsed(), coder="anna")
        with store.read() as session:
            first, second = session.scalars(select(Unit.id).order_by(Unit.ordinal)).all()
        turn = FG_TEXT_TURNS[1][1]
        change = apply_code(store, "anna", second, "tillid", (0, turn.index(HOLE) + WIDTH))
        set_memo(store, "anna", change.coding_ids[0], "Et notat om tillid.")
        set_unit_memo(store, "anna", first, "Et notat om mødet.")
        set_finding(store, "tillid", "Borgerne stoler på kommunen.", "anna")
    finally:
        store.dispose()


def _replace_hole(session: Session, value: str, *, coded: bool) -> None:
    """Put ``value`` where the hole is in the coded (or the uncoded) unit."""
    padded = value.ljust(WIDTH)
    unit = session.scalars(select(Unit).where(Unit.ordinal == (2 if coded else 1))).one()
    session.execute(update(Unit).where(Unit.id == unit.id)
                    .values(text=unit.text.replace(HOLE, padded)))
    source = session.get(Source, unit.source_id)
    assert source is not None
    before = source.text[:unit.start] + source.text[unit.start:unit.end].replace(HOLE, padded)
    source.text = before + source.text[unit.end:]
    if coded:
        for coding in session.query(Coding).filter(Coding.unit_id == unit.id):
            coding.text = coding.text.replace(HOLE, padded)


def _codebook(session: Session, old: str, new: str) -> None:
    version = session.query(CodebookVersion).order_by(CodebookVersion.id.desc()).first()
    assert version is not None and old in version.text
    version.text = version.text.replace(old, new)


def _plant(field: Field, value: str) -> Callable[[Session], None]:
    quoted = json.dumps(value)

    def plant(session: Session) -> None:
        if field is Field.TITLE:
            _codebook(session, "title: Matrixprojekt", f"title: {quoted}")
        elif field is Field.SOURCE_NAME:
            session.execute(update(Source).values(name=value))
        elif field is Field.UNIT_TEXT:
            _replace_hole(session, value, coded=False)
        elif field is Field.QUOTE:
            _replace_hole(session, value, coded=True)
        elif field is Field.SPEAKER:
            session.execute(update(Unit).where(Unit.ordinal == 2).values(speaker=value))
        elif field is Field.PARTICIPANT:
            session.execute(update(Participant).where(Participant.role == "borger")
                            .values(label=value))
        elif field is Field.ATTRIBUTE:
            session.execute(update(Participant).where(Participant.role == "borger")
                            .values(attributes={"alder": "30-39", "kontakt": value}))
        elif field is Field.CODE_LABEL:
            session.execute(update(Code).values(label=value))
            _codebook(session, "label: Tillid til kommunen", f"label: {quoted}")
        elif field is Field.CODE_DEFINITION:
            session.execute(update(Code).values(
                description=f"Beskrivelse {value}"))
            _codebook(session, HOLE, value)
        elif field is Field.CODING_MEMO:
            session.execute(update(Coding).values(memo=f"Notat {value}"))
        elif field is Field.UNIT_MEMO:
            session.execute(update(UnitMemo).values(text=f"Notat {value}"))
        elif field is Field.STATEMENT:
            session.execute(update(Finding).values(statement=f"Fund {value}"))
        elif field is Field.CODER:
            session.execute(update(Coder).values(name=value))
        else:  # pragma: no cover - a new field needs a way to plant it here
            raise AssertionError(f"no way to plant {field}")

    return plant


@pytest.fixture(scope="module")
def clean_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "clean.kodebog"
    _build(path, folder)
    return path


def _planted_copy(clean: Path, folder: Path, field: Field, kind: str) -> Store:
    path = folder / "project.kodebog"
    shutil.copyfile(clean, path)
    store = open_project(path)
    with store.write() as session:
        _plant(field, PLANTED[kind])(session)
    return store


def _written_text(path: Path, fmt: str) -> str:
    """Everything a reader of the file sees, as text."""
    if fmt == "docx":
        import docx

        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        parts += [document.core_properties.title or "", document.core_properties.author or ""]
        return "\n".join(parts)
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        parts = [book.properties.title or "", book.properties.creator or ""]
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts += ["" if v is None else str(v) for v in row]
        return "\n".join(parts)
    if fmt == "qdpx":  # GUIDs left out: "20456789-..." would read as a phone number
        with zipfile.ZipFile(path) as archive:
            text = "\n".join(html.unescape(archive.read(n).decode("utf-8"))
                             for n in archive.namelist())
        return GUID.sub("", text)
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "csv":  # cell by cell: "…,010203-1234,0,…" is a longer figure in the raw text
        return "\n".join(cell for row in csv.reader(io.StringIO(text)) for cell in row)
    if fmt == "json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    if fmt == "qdc":  # its codes carry GUIDs too: left out as in qdpx
        return GUID.sub("", html.unescape(text))
    return html.unescape(text)


def test_the_clean_project_exports_everywhere_without_personal_data(
        clean_project: Path, tmp_path: Path) -> None:
    store = open_project(clean_project)
    try:
        for fmt in EXPORTERS:
            output = tmp_path / f"out.{fmt}"
            export(store, output, ExportOptions(), fmt=fmt)
            assert find_personal_data(_written_text(output, fmt)) == [], fmt
    finally:
        store.dispose()


def test_every_format_and_field_is_in_the_model() -> None:
    assert set(FORMAT_FIELDS) == set(EXPORTERS)
    assert all(fields <= ALL_FIELDS for fields in FORMAT_FIELDS.values())


@pytest.mark.parametrize("kind", sorted(PLANTED))
@pytest.mark.parametrize("field", sorted(Field, key=str))
def test_every_format_refuses_or_writes_with_consent(
        clean_project: Path, tmp_path: Path, field: Field, kind: str) -> None:
    store = _planted_copy(clean_project, tmp_path, field, kind)
    try:
        with store.read() as session:
            found_by_scan = scan(project_items(session))
        assert [(f["field"], f["kind"]) for f in found_by_scan] != []
        assert {f["field"] for f in found_by_scan} >= {str(field)}, "privacy scan misses it"
        assert all(PLANTED[kind] not in str(f) for f in found_by_scan)
        for fmt in EXPORTERS:
            folder = tmp_path / fmt
            folder.mkdir()
            output = folder / f"out.{fmt}"
            if field in FORMAT_FIELDS[fmt]:
                with pytest.raises(PersonalDataError) as refused:
                    export(store, output, ExportOptions(), fmt=fmt)
                message = str(refused.value)
                assert f"the {field} of " in message, (fmt, message)
                assert PLANTED[kind] not in message  # masked
                assert list(folder.iterdir()) == []
                export(store, output, ExportOptions(allow_personal_data=True), fmt=fmt)
                found = {h.kind for h in find_personal_data(_written_text(output, fmt))}
                if (fmt, field, kind) not in NOT_WRITTEN_AS_IS:
                    assert kind in found, (fmt, field, "declared but not written")
            else:
                export(store, output, ExportOptions(), fmt=fmt)
                found = {h.kind for h in find_personal_data(_written_text(output, fmt))}
                assert found == set(), (fmt, field, "written but not declared")
    finally:
        store.dispose()


# The columns of the store that hold text a user typed or imported, by the field they leave
# as; everything else is internal (hashes, kinds, offsets, settings, the event log).
OUTBOUND_COLUMNS = {
    "source.name": Field.SOURCE_NAME, "source.text": Field.UNIT_TEXT,
    "unit.text": Field.UNIT_TEXT, "unit.speaker": Field.SPEAKER,
    "participant.key": Field.PARTICIPANT, "participant.label": Field.PARTICIPANT,
    "participant.role": Field.ATTRIBUTE, "participant.attributes": Field.ATTRIBUTE,
    "codebook_version.text": Field.CODE_DEFINITION, "code.id": Field.CODE_LABEL,
    "code.label": Field.CODE_LABEL, "code.description": Field.CODE_DEFINITION,
    "code.definition": Field.CODE_DEFINITION, "coder.name": Field.CODER,
    "coding.text": Field.QUOTE, "coding.memo": Field.CODING_MEMO,
    "unit_memo.text": Field.UNIT_MEMO, "finding.statement": Field.STATEMENT,
    "finding.updated_by": Field.CODER, "codebook_version.created_by": Field.CODER,
    "recommendation.title": Field.STATEMENT, "recommendation.text": Field.STATEMENT,
    "recommendation.updated_by": Field.CODER,
    # issue 15: attribute names and display labels head report and sheet columns; a case
    # name can be a person's name; issue 19: a user's name is the coder's name
    "attribute_def.name": Field.ATTRIBUTE, "attribute_def.label": Field.ATTRIBUTE,
    "participant.case_key": Field.PARTICIPANT, "app_user.name": Field.CODER,
}
INTERNAL_COLUMNS = {
    "source.kind", "source.sha256", "source.filename", "source.encoding", "source.meta",
    "unit.timestamp", "codebook_version.sha256", "codebook_version.filename",
    "codebook_version.language", "code.parent_id", "code.color", "code.key",
    "coding.code_id", "coding.origin", "suggestion.code_id", "suggestion.tier",
    "suggestion.evidence", "suggestion.status", "suggest_model.meta", "finding.code_id",
    "finding.quotes", "event.action", "event.entity", "event.entity_id", "event.before",
    "event.after", "setting.key", "setting.value", "codebook_version.change",
    "code.merged_into", "coding.import_flag", "refi_guid.kind", "refi_guid.guid",
    "refi_guid.key", "unit_embedding.model", "text_embedding.sha256", "text_embedding.model",
    "coding.valence", "recommendation_code.code_id",
    "attribute_def.kind", "app_user.password_hash", "app_user.role",
}


def test_every_text_column_of_the_store_is_classified() -> None:
    """A new text column must be added to the outbound model or called internal here."""
    from sqlalchemy import JSON, String, Text

    text_columns = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables for column in table.columns
        if isinstance(column.type, (String, Text, JSON))
    }
    unclassified = text_columns - set(OUTBOUND_COLUMNS) - INTERNAL_COLUMNS
    assert unclassified == set()


def test_privacy_scan_names_field_and_place(clean_project: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    _planted_copy(clean_project, tmp_path, Field.ATTRIBUTE, "email").dispose()
    assert main(["privacy", "scan", str(tmp_path / "project.kodebog")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("participant ") and "(attribute kontakt): participant attribute" \
        in out[0] and "e-mail m***@kommune.dk" in out[0]
    assert out[-1] == "1 possible personal data found"
