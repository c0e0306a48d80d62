"""The bundled example material imports with the expected counts (transcripts/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodebog.codebook import load_codebook
from kodebog.demo import build_demo, example_files
from kodebog.paths import example_codebook
from kodebog.queries import list_sources, project_stats
from kodebog.store import open_project

DOMAIN_CODE_IDS = {
    "first_meeting", "meeting_time", "caseworker_relation", "caseworker_change",
    "contact_center", "letters_information", "digital_self_service", "physical_setting",
    "rules_and_system", "activities_and_offers", "long_courses", "staff_conditions",
}

# name: (kind, units, participants, encoding)
EXPECTED = {
    "fokusgruppe_borgere_aarhus": ("focus_group", 118, 10, "cp1252"),
    "fokusgruppe_medarbejdere": ("focus_group", 97, 9, "utf-8"),
    "interview_borger_sygedagpenge": ("interview", 35, 2, "utf-8"),
    "interview_sagsbehandler": ("interview", 33, 2, "utf-8"),
    "survey_kommentarer": ("survey", 336, 336, "utf-8"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.kodebog")


def test_example_codebook_has_exactly_the_domain_codes() -> None:
    codebook = load_codebook(example_codebook())
    assert set(codebook.ids) == DOMAIN_CODE_IDS and len(codebook.ids) == 12
    assert codebook.language == "da"
    for code in codebook.walk():
        assert len(code.examples) >= 2 and len(code.keywords) >= 4, code.id
        assert code.include and code.exclude and code.key, code.id
    assert any(code.children for code in codebook.codes)


def test_example_material_covers_the_formats() -> None:
    suffixes = sorted(p.suffix for p in example_files())
    assert suffixes == [".csv", ".docx", ".txt", ".txt", ".vtt"]


def test_example_material_imports_with_expected_counts(demo: Path) -> None:
    store = open_project(demo)
    with store.read() as session:
        sources = {s.name: s for s in list_sources(session)}
        stats = project_stats(session)
    store.dispose()
    assert set(sources) == set(EXPECTED)
    for name, (kind, units, people, encoding) in EXPECTED.items():
        info = sources[name]
        assert (info.kind, info.units, info.participants) == (kind, units, people), name
        assert info.encoding.lower().replace("_", "-") in (encoding, "windows-1252"), name
    assert stats.units == 619 and stats.participants == 359
    assert all(s.words >= 3000 for n, s in sources.items() if n.startswith("fokusgruppe"))


def test_demo_is_built_once(demo: Path) -> None:
    stamp = demo.stat().st_mtime_ns
    assert build_demo(demo) == demo
    assert demo.stat().st_mtime_ns == stamp


def test_demo_has_two_coders_with_honest_disagreement(demo: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kodebog.cli import main

    assert main(["agree", str(demo), "--coders", "anna,bo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sources"] == ["fokusgruppe_borgere_aarhus", "interview_sagsbehandler",
                               "survey_kommentarer"]
    kappas = [row["kappa"]["anna|bo"] for row in data["codes"]]
    assert len(kappas) == 12 and all(k is not None and 0.5 < k <= 1 for k in kappas)
    assert 0.7 < data["overall"]["alpha"] < 0.95
    assert main(["disagreements", str(demo), "--coders", "anna,bo", "--json"]) == 0
    disputed = json.loads(capsys.readouterr().out)
    assert len(disputed) > 20
    assert all(d["has_code"]["anna"] != d["has_code"]["bo"] for d in disputed)
