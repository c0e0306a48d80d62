"""Pseudonymisation at import and the privacy scan, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kodebog.cli import main
from kodebog.privacy import pseudonymise_source
from kodebog.sources import read_source

from .conftest import SMALL_CODEBOOK

TRANSCRIPT = (
    "Interviewer: Velkommen, Mette.\n\n"
    "Mette Hansen: Mit CPR-nummer er 010203-1234, og Lars ringede på 12 34 56 78.\n\n"
    "Lars: Skriv til lars.jensen@kommune.dk – så svarer jeg.\n\n"
    "Mette Hansen: Tak.\n\n"
    "Lars: Selv tak.\n"
)
NAMES = 'names:\n  "Mette Hansen": "Borger A"\n  "Mette": "Borger A"\n  "Lars": "Sagsbehandler B"\n'


def test_pseudonymise_source_keeps_offsets_exact(tmp_path: Path) -> None:
    from kodebog.privacy import load_names

    path = tmp_path / "interview.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    names_file = tmp_path / "names.yaml"
    names_file.write_text(NAMES, encoding="utf-8")
    parsed = pseudonymise_source(read_source(path), load_names(names_file))
    texts = [parsed.text[u.start:u.end] for u in parsed.units]
    assert texts == [
        "Velkommen, Borger A.",
        "Mit CPR-nummer er [CPR-nummer], og Sagsbehandler B ringede på [telefonnummer].",
        "Skriv til [e-mail] – så svarer jeg.",
        "Tak.",
        "Selv tak.",
    ]
    assert [u.speaker for u in parsed.units][:3] == ["Interviewer", "Borger A",
                                                     "Sagsbehandler B"]
    assert "Mette" not in parsed.text and "Lars" not in parsed.text
    assert {p.label for p in parsed.participants} == {"Interviewer", "Borger A",
                                                       "Sagsbehandler B"}


def test_import_pseudonymise_and_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    project = str(tmp_path / "p.kodebog")
    path = tmp_path / "interview.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    names_file = tmp_path / "names.yaml"
    names_file.write_text(NAMES, encoding="utf-8")
    assert main(["init", project, "--codebook", str(codebook)]) == 0
    assert main(["import", project, str(path), "--name", "raw"]) == 0
    assert main(["import", project, str(path), "--name", "clean",
                 "--pseudonymise", str(names_file)]) == 0
    assert "pseudonymised" in capsys.readouterr().out
    assert main(["privacy", "scan", project, "--json", "--names", str(names_file)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {item["source"] for item in found} == {"raw"}
    assert {item["kind"] for item in found} == {"cpr", "phone", "email", "name"}
    assert all("1234" not in item["description"] for item in found)


def test_bad_names_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    project = str(tmp_path / "p.kodebog")
    assert main(["init", project, "--codebook", str(codebook)]) == 0
    path = tmp_path / "interview.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    bad = tmp_path / "names.yaml"
    bad.write_text("names: [\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", project, str(path), "--pseudonymise", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kodebog: ") and "names.yaml" in err and err.count("\n") == 1


SURVEY = (
    "id;svar;alder;E-mail;Telefon nr.;kontakt;Kommunenavn;bemærkning\n"
    "r1;Jeg fik hurtigt svar fra kommunen, og det var en god oplevelse;30-39;a@b.dk;;"
    "ring 20 30 40 50;Aarhus;ingen\n"
    "r2;Det tog lang tid at få en aftale med min sagsbehandler her;40-49;;12345678;;"
    "Odense;spurgte efter Lars\n"
)


def _survey_project(tmp_path: Path, name: str = "svar.csv") -> tuple[str, Path]:
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    project = str(tmp_path / "p.kodebog")
    assert main(["init", project, "--codebook", str(codebook)]) == 0
    path = tmp_path / name
    path.write_text(SURVEY, encoding="utf-8")
    return project, path


def _attributes(project: str) -> dict[str, dict[str, str]]:
    from kodebog.store import open_project
    from kodebog.store.models import Participant

    store = open_project(project)
    try:
        with store.read() as session:
            return {p.key: dict(p.attributes) for p in session.query(Participant)}
    finally:
        store.dispose()


def test_survey_leaves_identifier_and_contact_columns_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, path = _survey_project(tmp_path)
    names = tmp_path / "names.yaml"
    names.write_text(NAMES, encoding="utf-8")
    capsys.readouterr()
    assert main(["import", project, str(path), "--pseudonymise", str(names)]) == 0
    out = capsys.readouterr().out
    assert "left out column 'E-mail' (its name says e-mail)" in out
    assert "left out column 'Telefon nr.' (its name says telefon)" in out
    assert "left out column 'kontakt' (it holds phone numbers)" in out
    assert "left out column 'bemærkning' (it holds listed names)" in out
    assert "--attribute" in out
    assert {k: v for k, v in _attributes(project).items()} == {
        "svar:r1": {"alder": "30-39", "Kommunenavn": "Aarhus"},
        "svar:r2": {"alder": "40-49", "Kommunenavn": "Odense"},
    }


def test_attribute_names_a_personal_column_to_import_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, path = _survey_project(tmp_path)
    assert main(["import", project, str(path), "--text-column", "svar",
                 "--attribute", "alder", "--attribute", "E-mail"]) == 0
    assert "left out" not in capsys.readouterr().out
    assert _attributes(project)["svar:r1"] == {"alder": "30-39", "E-mail": "a@b.dk"}


def test_pseudonymise_covers_file_name_keys_and_event_log(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.store import open_project
    from kodebog.store.models import Event, Participant, Source

    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    project = str(tmp_path / "p.kodebog")
    assert main(["init", project, "--codebook", str(codebook)]) == 0
    path = tmp_path / "Samtale med Mette Hansen 010203-1234.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    survey = tmp_path / "svar.csv"
    survey.write_text("email;svar\nmette@kommune.dk;Det var godt at tale med nogen\n"
                      "lars@kommune.dk;Ventetiden var alt for lang for mig\n", encoding="utf-8")
    names = tmp_path / "names.yaml"
    names.write_text(NAMES, encoding="utf-8")
    capsys.readouterr()
    assert main(["import", project, str(path), "--pseudonymise", str(names)]) == 0
    assert main(["import", project, str(survey), "--id-column", "email",
                 "--pseudonymise", str(names)]) == 0
    out = capsys.readouterr().out
    assert "Mette" not in out and "1234" not in out and "@" not in out
    assert "the file name too" in out
    store = open_project(project)
    try:
        with store.read() as session:
            sources = {s.name: s.filename for s in session.query(Source)}
            keys = sorted(p.key for p in session.query(Participant))
            events = [json.dumps([e.before, e.after], ensure_ascii=False)
                      for e in session.query(Event)]
    finally:
        store.dispose()
    assert sources == {"Samtale med Borger A [CPR-nummer]":
                       "Samtale med Borger A [CPR-nummer].txt", "svar": "svar.csv"}
    assert keys == ["Samtale med Borger A [CPR-nummer]:Borger A",
                    "Samtale med Borger A [CPR-nummer]:Interviewer",
                    "Samtale med Borger A [CPR-nummer]:Sagsbehandler B",
                    "svar:[e-mail]", "svar:[e-mail] 2"]
    assert events and not any("Mette" in e or "1234" in e or "@kommune" in e for e in events)
