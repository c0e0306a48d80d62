"""Reports keep their own language: ``kodebog export --lang da|en``, Danish by default,
whatever language kodebog speaks to its user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from kodebog.cli import main
from kodebog.export import ExportOptions, export
from kodebog.export.labels import attribute_label, role_plural, valence_heading
from kodebog.export.language import language as report_language
from kodebog.export.language import speaking
from kodebog.i18n import language
from kodebog.store import Store

from .test_findings import open_fixture_copy


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the fixture project (see test_findings), open."""
    store = open_fixture_copy(tmp_path_factory, tmp_path)
    yield store
    store.dispose()


def test_an_english_report_says_everything_in_english(project: Store, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    export(project, out, ExportOptions(lang="en"))
    text = out.read_text(encoding="utf-8")
    assert "_Report from a qualitative analysis_" in text
    for heading in ("## Overview", "## Method and data", "## Themes", "## Recommendations",
                    "## Appendix: The themes' definitions"):
        assert heading in text
    assert "The participants are 346 citizens, 8 employees and 1 manager. 4 interviewers " \
           "asked the questions" in text
    assert "| Benefit group: sygedagpenge | 1 of 72 | 1% | 1 |" in text
    assert "| Municipality: Silkeborg |" in text
    assert "| Role: citizen | 4 of 346 | 1% | 4 |" in text
    report_text = "\n".join(line for line in text.splitlines() if not line.startswith(">"))
    for danish in ("Overblik", "Metode", "Temaer", "Rolle", "Ydelsesgruppe", " af 346",
                   "deltagere", "Grupper", "Bilag", "Anbefaling", "Ingen"):
        assert danish not in report_text, danish


def test_a_report_is_danish_by_default_while_the_user_reads_english(
        project: Store, tmp_path: Path) -> None:
    assert language() == "en"  # tests speak English to the user (conftest)
    out = tmp_path / "report.md"
    said = export(project, out)
    text = out.read_text(encoding="utf-8")
    assert "_Rapport fra en kvalitativ analyse_" in text
    assert "## Overblik" in text and "## Metode og datagrundlag" in text
    assert "Deltagerne er 346 borgere, 8 medarbejdere og 1 leder." in text
    assert "| Ydelsesgruppe: sygedagpenge | 1 af 72 | 1 % | 1 |" in text
    assert said.startswith(f"wrote {out} (md): ") and "themes" in said  # the user's language


@pytest.mark.usefixtures("danish")
def test_an_english_report_from_a_danish_session(project: Store, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    path = project.url.database
    assert path is not None
    project.dispose()
    assert main(["export", path, "-o", str(out), "--lang", "en"]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"skrev {out} (html): ") and "temaer" in said  # to the user: Danish
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<h2>Contents</h2>" in html
    assert "Share of the participants who mention the theme" in html
    assert "Andel" not in html and "Indhold" not in html
    assert report_language() == "da"  # the report's language ends with the export


def test_the_workbook_names_its_sheets_and_headers_in_the_reports_language(
        project: Store, tmp_path: Path) -> None:
    danish, english = tmp_path / "da.xlsx", tmp_path / "en.xlsx"
    export(project, danish)
    export(project, english, ExportOptions(lang="en"))
    book = openpyxl.load_workbook(danish, read_only=True)
    assert book.sheetnames == ["Citatbank", "Kodninger", "Matrix", "Krydstabel", "Samforekomst"]
    book.close()
    book = openpyxl.load_workbook(english, read_only=True)
    assert book.sheetnames == ["Quote bank", "Codings", "Matrix", "Crosstab", "Co-occurrence"]
    header = [c.value for c in next(book["Quote bank"].iter_rows(max_row=1))]
    assert header[:6] == ["Quote", "Themes", "Valence", "Role", "Participant", "Reference"]
    assert "Municipality" in header and "Kommune" not in header
    book.close()


def test_an_english_word_report_numbers_its_pages_in_english(project: Store,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    export(project, out, ExportOptions(lang="en"))
    document = Document(str(out))
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer.startswith("Page ") and " of " in footer
    texts = [p.text for p in document.paragraphs]
    assert "Contents" in texts and "Overview" in texts and "Indhold" not in texts
    assert document.core_properties.language == "en-GB"


def test_labels_follow_the_reports_language() -> None:
    assert valence_heading("positive") == "Det, der fungerer godt"
    assert role_plural("borger", 12) == "12 borgere" and role_plural("leder", 1) == "1 leder"
    assert attribute_label("forloebslaengde") == "Forløbslængde"
    with speaking("en"):
        assert valence_heading("positive") == "What works well"
        assert valence_heading("negative") == "What works less well"
        assert role_plural("borger", 12) == "12 citizens"
        assert role_plural("borger", 1) == "1 citizen"
        assert attribute_label("forloebslaengde") == "Length of the course"
        assert attribute_label("husstand_stoerrelse") == "Husstand størrelse"  # unknown: key


def test_an_unknown_report_language_is_refused_by_the_cli(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["export", str(tmp_path / "p.kodebog"), "-o", str(tmp_path / "r.md"),
              "--lang", "sv"])
    assert "invalid choice: 'sv'" in capsys.readouterr().err
