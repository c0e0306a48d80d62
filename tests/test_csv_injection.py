"""CSV cells that a spreadsheet would run as formulas are neutralised (OWASP); xlsx and Word
keep the text verbatim."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from kodebog.export import ExportOptions, export
from kodebog.export.csv import neutralise, render
from kodebog.store import open_project
from kodebog.store.models import Code, Coding, Participant

from .test_privacy_matrix import _build

FORMULAS = ["=HYPERLINK(\"http://example.org\",\"klik\")", "+1+1", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_owasp_rule(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Tillid", "", " =1", "1-2", "a=b", 12, -3, 1.5, None])
def test_other_cells_stay_as_they_are(value: str | int | float | None) -> None:
    assert neutralise(value) == value


def test_semicolon_cannot_start_a_cell_in_danish_excel() -> None:
    """Danish Excel splits at ``;`` when a CSV is double-clicked: text fields are quoted."""
    text = render(["a", "b"], [["x;=1+1", 3]])
    assert text.splitlines()[1] == '"x;=1+1",3'


def test_export_neutralises_csv_and_keeps_xlsx_and_docx_verbatim(tmp_path: Path) -> None:
    import docx
    import openpyxl

    _build(tmp_path / "clean.kodebog", tmp_path)
    path = tmp_path / "project.kodebog"
    shutil.copyfile(tmp_path / "clean.kodebog", path)
    store = open_project(path)
    try:
        with store.write() as session:
            session.execute(update(Coding).values(memo=FORMULAS[0]))
            session.execute(update(Code).values(label="=1+1"))
            session.execute(update(Participant).where(Participant.role == "borger").values(
                attributes={f"felt{i}": text for i, text in enumerate(FORMULAS[1:])}))
        export(store, tmp_path / "out.csv", ExportOptions())
        export(store, tmp_path / "out.xlsx", ExportOptions())
        export(store, tmp_path / "out.docx", ExportOptions())
    finally:
        store.dispose()
    text = (tmp_path / "out.csv").read_bytes().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["Memo"] == "'" + FORMULAS[0]
    assert row["Tema"] == "'=1+1"
    assert [row[f"felt{i}"] for i in range(5)] == ["'" + t for t in FORMULAS[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for line in csv.reader(io.StringIO(text, newline="")) for cell in line)

    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Kodninger"]
    header = [c.value for c in sheet[1]]
    cells = {name: sheet.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert cells["Memo"].value == FORMULAS[0] and cells["Memo"].data_type == "s"
    assert cells["Tema"].value == "=1+1" and cells["Tema"].data_type == "s"

    document = docx.Document(str(tmp_path / "out.docx"))
    assert "=1+1" in [p.text for p in document.paragraphs]
