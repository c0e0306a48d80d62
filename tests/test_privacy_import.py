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
