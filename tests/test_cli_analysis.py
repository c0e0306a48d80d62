"""``kodebog retrieve`` and ``kodebog participants`` on the demo project.

The expected passages were listed by hand from ``transcripts/codings/*.csv`` and the survey
file (unit = the running number of the non-empty comment), not computed by kodebog.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from kodebog.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    from kodebog.demo import build_demo

    return str(build_demo(tmp_path_factory.mktemp("demo") / "demo.kodebog"))


def retrieve(capsys: pytest.CaptureFixture[str], demo: str, *args: str) -> dict[str, object]:
    assert main(["retrieve", demo, *args, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def passages(data: dict[str, object]) -> list[tuple[str, int, str, str]]:
    found = data["passages"]
    assert isinstance(found, list)
    return [(p["source"], p["unit"], p["coder"], p["text"][:30]) for p in found]


def test_and_on_the_same_unit(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    data = retrieve(capsys, demo, "--code", "digital_self_service", "--and", "contact_center",
                    "--coder", "anna")
    assert passages(data) == [
        ("fokusgruppe_borgere_aarhus", 63, "anna", "Jeg har ikke MitID på telefone"),
        ("fokusgruppe_medarbejdere", 93, "anna", "Chat og sms om aftenen."),
        ("interview_borger_sygedagpenge", 24, "anna", "Meget lidt. Jeg skulle udfylde"),
        ("survey_kommentarer", 249, "anna", "Det er frustrerende, at man ik"),
    ]
    first = data["passages"][0]  # type: ignore[index]
    assert first["codes"] == ["digital_self_service", "contact_center"]
    assert (first["start"], first["end"]) == (0, len(first["text"]))
    assert data["count"] == 4 and data["participants"] == 4


def test_or_with_where(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    data = retrieve(capsys, demo, "--code", "staff_conditions", "--or", "long_courses",
                    "--where", "ydelsesgruppe=fleksjob")
    assert passages(data) == [
        ("survey_kommentarer", 76, "anna", "Jeg er tilfreds nu, men det to"),  # R0081
        ("survey_kommentarer", 76, "bo", "Jeg er tilfreds nu, men det to"),
        ("survey_kommentarer", 127, "anna", "Ventetiden på en afgørelse var"),  # R0135
        ("survey_kommentarer", 198, "anna", "Nu hvor jeg er i fleksjob, hør"),  # R0207
        ("survey_kommentarer", 235, "anna", "Det tog tre år at blive godken"),  # R0246
    ]
    assert data["participants"] == 4


def test_not_with_coder_and_where(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    data = retrieve(capsys, demo, "--code", "physical_setting", "--not", "first_meeting",
                    "--coder", "bo", "--where", "forloebslaengde=over 2 år")
    assert passages(data) == [
        ("survey_kommentarer", 18, "bo", "Det er svært at komme ind i by"),  # R0019
        ("survey_kommentarer", 29, "bo", "Venteområdet er koldt og upers"),  # R0031
    ]


def test_near_and_the_text_listing(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    assert main(["retrieve", demo, "--code", "contact_center", "--near", "first_meeting",
                 "--within", "1", "--coder", "anna"]) == 0
    out = capsys.readouterr().out
    assert "== fokusgruppe_borgere_aarhus" in out and "== survey_kommentarer" in out
    assert out.rstrip().endswith("2 passages · 2 participants · 2 sources")


def test_mistakes_are_one_line(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    assert main(["retrieve", demo, "--code", "nope"]) == 1
    assert "no code 'nope'" in capsys.readouterr().err
    assert main(["retrieve", demo, "--code", "contact_center", "--where", "alder"]) == 1
    assert "write it as ATTRIBUTE=VALUE" in capsys.readouterr().err
    assert main(["retrieve", demo, "--code", "contact_center", "--near", "first_meeting"]) == 1
    assert "--near needs --within" in capsys.readouterr().err
    assert main(["retrieve", demo, "--code", "contact_center", "--where", "alder=3"]) == 1
    err = capsys.readouterr().err
    assert "no attribute 'alder'" in err and "forloebslaengde" in err


def test_case_sheet_export_fill_import(capsys: pytest.CaptureFixture[str], demo: str,
                                       tmp_path: Path) -> None:
    sheet = tmp_path / "cases.xlsx"
    assert main(["participants", "export", demo, str(sheet)]) == 0
    assert "359 participants" in capsys.readouterr().out
    book = openpyxl.load_workbook(sheet)
    rows = book.active
    assert rows is not None
    width = rows.max_column
    rows.cell(1, width + 1, "uddannelse")
    for row in range(2, rows.max_row + 1):
        if rows.cell(row, 1).value == "interview_borger_sygedagpenge" and rows.cell(
                row, 2).value == "Borger":
            rows.cell(row, width + 1, "faglært")
    rows.append(["interview_borger_sygedagpenge", "Borger 9"])
    book.save(sheet)
    assert main(["participants", "import", demo, str(sheet), "--coder", "anna"]) == 0
    out = capsys.readouterr().out
    assert "1 participant updated" in out
    assert "no participant 'Borger 9' in source 'interview_borger_sygedagpenge'" in out
    assert main(["participants", "link", demo, "interview_borger_sygedagpenge:Borger",
                 "fokusgruppe_borgere_aarhus:Borger 3", "--case", "Borger A"]) == 0
    assert "linked 2 participants into case Borger A" in capsys.readouterr().out
    assert main(["participants", "list", demo, "interview_borger_sygedagpenge", "--json"]) == 0
    people = json.loads(capsys.readouterr().out)
    borger = next(p for p in people if p["speaker"] == "Borger")
    assert borger["case"] == "Borger A" and borger["attributes"]["uddannelse"] == "faglært"


def test_an_attribute_gets_its_display_label(capsys: pytest.CaptureFixture[str],
                                             demo: str) -> None:
    assert main(["participants", "label", demo, "forloebslaengde", "forløbslængde"]) == 0
    assert "shown as 'forløbslængde' (text)" in capsys.readouterr().out
    data = retrieve(capsys, demo, "--code", "physical_setting", "--coder", "bo", "--where",
                    "forløbslængde=over 2 år", "--not", "first_meeting")
    assert [(p["unit"]) for p in data["passages"]] == [18, 29]  # type: ignore[index]
    assert main(["participants", "label", demo, "forloebslaengde", "--type", "number"]) == 1
    assert "cannot make 'forloebslaengde' a number column" in capsys.readouterr().err


def _sql_by_role(demo: str, coder: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Passages and distinct cases per (code, role) of one coder, interviewers left out,
    counted in plain SQL on the file (not through kodebog)."""
    import sqlite3

    with sqlite3.connect(demo) as db:
        rows = db.execute(
            "SELECT c.code_id, p.role, count(*), count(DISTINCT coalesce(p.case_key, p.key)) "
            "FROM coding c JOIN coder k ON k.id = c.coder_id JOIN unit u ON u.id = c.unit_id "
            "JOIN participant p ON p.id = u.participant_id "
            "WHERE k.name = ? AND p.role != 'interviewer' GROUP BY 1, 2", (coder,)).fetchall()
    return {(code, role): (n, cases) for code, role, n, cases in rows}


def test_compare_by_role_and_by_an_attribute_label(capsys: pytest.CaptureFixture[str],
                                                   demo: str) -> None:
    assert main(["compare", demo, "--by", "role", "--coder", "anna", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    got = {(row["code"], key): (cell["passages"], cell["participants"])
           for row in data["rows"] for key, cell in row["cells"].items() if cell["passages"]}
    assert got == _sql_by_role(demo, "anna") and len(got) > 20
    assert [c["key"] for c in data["columns"]][:1] == ["borger"]
    assert all(c["of"] > 0 for c in data["columns"])
    # an attribute by its label, printed as a table with the denominators in the header
    assert main(["compare", demo, "--by", "Ydelsesgruppe", "--code", "contact_center"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "codes × ydelsesgruppe"
    assert out[1].startswith("code") and "dagpenge (n=" in out[1]
    assert out[2].startswith("Kontakt og tilgængelighed") and len(out) == 4
    assert main(["compare", demo, "--by", "codes", "--code", "contact_center", "--code",
                 "digital_self_service", "--coder", "anna", "--json"]) == 0
    pairs = json.loads(capsys.readouterr().out)
    both = pairs["rows"][0]["cells"]["digital_self_service"]
    assert pairs["by"] == "cooccurrence" and both["passages"] == 4  # the AND test's 4 units


def test_compare_writes_xlsx_and_refuses_an_unknown_grouping(
        capsys: pytest.CaptureFixture[str], demo: str, tmp_path: Path) -> None:
    target = tmp_path / "matrix.xlsx"
    assert main(["compare", demo, "--by", "source", "--output", str(target)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {target}: ")
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None and sheet.cell(1, 1).value == "code"
    assert main(["compare", demo, "--by", "alder"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no attribute 'alder'" in err[0] and "ydelsesgruppe" in err[0]


def test_compare_refuses_groups_named_with_personal_data(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A grouping whose values hold personal data (a phone number as an attribute) is not
    written or printed as JSON without --allow-personal-data; the table on screen is."""
    from sqlalchemy import select

    from kodebog.demo import build_demo
    from kodebog.participants import set_attribute
    from kodebog.store import open_project
    from kodebog.store.models import Participant

    demo = str(build_demo(tmp_path / "demo.kodebog"))
    store = open_project(demo)
    with store.read() as session:
        first = session.scalars(select(Participant.id).where(Participant.role == "borger")
                                .order_by(Participant.id)).first()
    assert first is not None
    set_attribute(store, first, "telefon", "12 34 56 78", "anna")
    store.dispose()
    target = tmp_path / "m.csv"
    assert main(["compare", demo, "--by", "telefon", "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert "column 2 of the matrix contains personal data" in err and not target.exists()
    assert main(["compare", demo, "--by", "telefon", "--json"]) == 1
    assert "personal data" in capsys.readouterr().err
    assert main(["compare", demo, "--by", "telefon", "--output", str(target),
                 "--allow-personal-data"]) == 0
    assert "12 34 56 78" in target.read_text(encoding="utf-8-sig")
