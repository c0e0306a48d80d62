"""Import reports, codebook problems and interchange warnings read in Danish."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog.codebook import load_codebook
from kodebog.errors import CodebookError, SourceError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.sources import read_source
from kodebog.store import Store

from .conftest import SMALL_CODEBOOK

pytestmark = pytest.mark.usefixtures("danish")

TRANSCRIPT = """\
Interviewer: Hvordan var det første møde?

Borger 1: Min sagsbehandler lyttede ikke.

Interviewer: Og bagefter?

Borger 1: Jeg ringede tre gan\xadge.
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    codebook = tmp_path / "kodebog.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    store = init_project(tmp_path / "p.kodebog", codebook)
    yield store
    store.dispose()


def test_the_import_report_is_danish(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fokusgruppe.txt"
    path.write_bytes(TRANSCRIPT.encode("cp1252"))
    result = import_parsed(store, read_source(path))
    lines = result.report(path.name)
    assert lines[0] == ("fokusgruppe.txt: importeret som 'fokusgruppe' (interview): 4 enheder, "
                        "2 deltagere, 21 ord, tegnkodning cp1252")
    assert "  læst som Windows-1252 (ikke gyldig UTF-8)" in lines
    assert ("  layout lines (talerlinjer 'Navn: tekst'): 4 taleture fra 2 talere") in lines
    assert any(line.startswith("  fjernede 1 usynligt formateringstegn") for line in lines)
    again = import_parsed(store, read_source(path)).report(path.name)
    assert again == ["fokusgruppe.txt: allerede importeret som 'fokusgruppe', uændret; "
                     "intet at gøre"]


def test_a_survey_report_says_which_columns_were_left_out_in_danish(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    rows = ["id;E-mail;Svar"] + [f"{n};person{n}@eksempel.dk;Det gik fint med min sag nr. {n}"
                                 for n in range(1, 4)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    notes = read_source(path).notes
    assert "kolonner adskilt af ';'" in notes
    assert "3 svar fra 3 respondenter" in notes
    assert any(note.startswith("kolonnen 'E-mail' er udeladt") and "personoplysninger" in note
               for note in notes)


def test_a_source_error_is_danish(tmp_path: Path) -> None:
    path = tmp_path / "tom.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match=r"tom\.txt: er tom$"):
        read_source(path)
    with pytest.raises(SourceError, match=r"ukendt filtype '\.pdf'; kodebog læser \.txt"):
        read_source(tmp_path / "rapport.pdf")


def test_a_codebook_problem_is_danish_and_keeps_its_place(tmp_path: Path) -> None:
    path = tmp_path / "kodebog.yaml"
    path.write_text("language: da\ncodes:\n  - id: mødet\n    label: Mødet\n    key: R\n"
                    "  - id: ok\n    lable: Fint\n", encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    problems = [str(problem) for problem in caught.value.problems]
    assert problems[0] == (f"{path}:3:9: id'et 'mødet' er ikke et gyldigt id; brug små "
                           "bogstaver a-z, cifre og _, og begynd med et bogstav (fx 'moedet')")
    assert f"{path}:5:10: genvejstasten 'R' skal være et lille bogstav; skriv 'r'" in problems
    assert f"{path}:7:5: ukendt felt 'lable' (mente du 'label'?)" in problems
    assert str(caught.value).endswith("(og 3 problemer mere)")


def test_refi_import_warnings_and_counts_are_danish(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    from .test_refi_interchange import FOREIGN, INTERVIEW

    start = INTERVIEW.index("pengene")
    qde = FOREIGN.replace("{start}", str(start)).replace("{end}", str(start + 7))
    with zipfile.ZipFile(tmp_path / "mangler.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)  # the source's text file is missing
    target = tmp_path / "p.kodebog"
    assert main(["import-refi", str(tmp_path / "mangler.qdpx"), str(target)]) == 1
    err = capsys.readouterr().err
    assert ("  advarsel: kilden 'interview.txt': tekstfilen internal://interview.txt mangler "
            "(ikke i filen); dens 1 kodninger importeres ikke") in err
    assert ("1 kodninger i filen kan ikke importeres (se advarslerne); intet blev oprettet; "
            "brug --partial for at importere resten") in err
    assert main(["import-refi", str(tmp_path / "mangler.qdpx"), str(target), "--partial"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{target}: 2 koder, 5 GUID'er bevaret, 2 kodere\n")
    assert ("  1 kode er en mappe (kan ikke bruges til kodning) i filen; i kodebog kan du "
            "kode med den, og den skrives tilbage som mappe") in out
    assert "advarsel: kilden 'interview.txt'" in err

    assert "advarsel" not in out


def test_settings_and_copy_errors_are_danish(tmp_path: Path, store: Store) -> None:
    from kodebog.errors import KodebogError, ProjectError
    from kodebog.settings import Settings, load_settings
    from kodebog.transfer import backup_project

    path = Settings().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("suggestions: måske\n", encoding="utf-8")
    with pytest.raises(KodebogError, match=r"'suggestions' skal være true eller false$"):
        load_settings()
    taken = tmp_path / "kopi.kodebog"
    taken.write_text("", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"kopi\.kodebog: findes allerede; vælg en ny fil$"):
        backup_project(tmp_path / "p.kodebog", taken)


def test_the_report_names_the_kind_and_replacement_in_danish() -> None:
    from kodebog.importing import ImportResult

    result = ImportResult("fg1", "replaced", "focus_group", units=4061, participants=5,
                          words=12000, encoding="utf-8", reanchored=1)
    assert result.report("fg1.txt") == [
        "fg1.txt: erstattede kilden 'fg1' (fokusgruppe): 4.061 enheder, 5 deltagere, 12.000 ord, "
        "tegnkodning utf-8",
        "  1 kodning genfundet i den nye version",
    ]


def test_the_names_note_is_known_in_both_languages() -> None:
    from kodebog.i18n import set_language
    from kodebog.sources.cast_notes import is_names_note, names_notes
    from kodebog.sources.model import ParsedParticipant

    people = [ParsedParticipant("Søren Hansen", "Søren Hansen")]
    danish_note = names_notes(people)[0]
    assert danish_note.startswith("talerbetegnelser, der ligner rigtige navne: 'Søren Hansen'")
    set_language("en")
    english_note = names_notes(people)[0]
    set_language("da")
    assert english_note.startswith("speaker labels that look like real names")
    assert is_names_note(danish_note) and is_names_note(english_note)
    assert not is_names_note("layout lines (talerlinjer 'Navn: tekst'): 2 taleture fra 2 talere")
