"""The consistency audit finds each kind of inconsistency, and only those."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog import coding
from kodebog.audit import AuditSettings, run_audit
from kodebog.cli import main
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store

from .conftest import SMALL_CODEBOOK, make_parsed

TURNS = [
    ("Borger 1", "Jeg ringede til kontaktcentret tre gange og fik aldrig svar tilbage."),
    ("Borger 2", "Jeg ringede til kontaktcentret tre gange og fik aldrig svar tilbage!"),
    ("Borger 3", "Min sagsbehandler skrev på chatten og det gik fint med det."),
    ("Borger 4", "Reglerne er for stramme, og man bliver trukket i ydelse for ingenting."),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK.replace(
        "    keywords: [telefon, ringe]\n",
        "    keywords: [telefon, ringe]\n    exclude_keywords: [chat]\n"), encoding="utf-8")
    store = init_project(tmp_path / "p.kodebog", codebook)
    import_parsed(store, make_parsed("fg1", TURNS))
    yield store
    store.dispose()


def tag(store: Store, coder: str, ordinal: int, code: str, source: str = "fg1") -> None:
    with store.read() as session:
        unit = find_unit(session, find_source(session, source), ordinal)
    coding.apply_code(store, coder, unit.id, code)


def test_near_duplicates_coded_differently(store: Store) -> None:
    tag(store, "anna", 1, "contact_center")
    tag(store, "anna", 2, "rules_and_system")
    with store.read() as session:
        found = [f for f in run_audit(session) if f.kind == "near_duplicate"]
    assert [[str(u) for u in f.units] for f in found] == [["fg1#1", "fg1#2"]]
    assert found[0].detail["only_first"] == ["contact_center"]


def test_near_duplicates_coded_alike_are_fine(store: Store) -> None:
    tag(store, "anna", 1, "contact_center")
    tag(store, "anna", 2, "contact_center")
    with store.read() as session:
        assert not [f for f in run_audit(session) if f.kind == "near_duplicate"]


def test_exclude_keyword_single_coder_and_unused(store: Store) -> None:
    tag(store, "anna", 3, "contact_center")
    tag(store, "bo", 4, "rules_and_system")
    with store.read() as session:
        findings = run_audit(session)
    kinds = {(f.kind, f.code) for f in findings}
    assert ("exclude_keyword", "contact_center") in kinds
    assert ("single_coder", "contact_center") in kinds
    assert ("single_coder", "rules_and_system") in kinds
    assert ("unused", "caseworker_relation") in kinds
    assert ("unused", "contact_center") not in kinds
    excluded = next(f for f in findings if f.kind == "exclude_keyword")
    assert excluded.detail["word"] == "chat" and str(excluded.units[0]) == "fg1#3"


def test_drift_between_halves_of_a_coders_work(store: Store) -> None:
    turns = [("Borger 1", f"Svar nummer {i} om jobcentret og hvordan det gik.") for i in range(40)]
    import_parsed(store, make_parsed("survey", turns))
    for ordinal in range(1, 41):
        tag(store, "anna", ordinal, "rules_and_system", "survey")
        if ordinal > 20:
            tag(store, "anna", ordinal, "contact_center", "survey")
    with store.read() as session:
        drift = [f for f in run_audit(session, AuditSettings(similarity=101))
                 if f.kind == "drift"]
    assert [(f.coder, f.code) for f in drift] == [("anna", "contact_center")]
    assert drift[0].detail["first_rate"] == 0 and drift[0].detail["second_rate"] == 1


def test_audit_cli_json(store: Store, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    tag(store, "anna", 1, "contact_center")
    tag(store, "anna", 2, "rules_and_system")
    project = str(tmp_path / "p.kodebog")
    assert main(["audit", project, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"near_duplicate", "unused"} <= {f["kind"] for f in data}
    assert main(["audit", project, "--similarity", "0"]) == 1


@pytest.mark.usefixtures("danish")
def test_audit_texts_are_danish(store: Store) -> None:
    tag(store, "anna", 1, "contact_center")
    tag(store, "anna", 2, "rules_and_system")
    tag(store, "anna", 3, "contact_center")
    tag(store, "bo", 4, "rules_and_system")
    with store.read() as session:
        messages = {f.kind: f.message for f in run_audit(session)}
    assert messages["near_duplicate"].startswith("fg1#1 og fg1#2 ligner hinanden ")
    assert "\u00a0%, men er kodet forskelligt (kun den første: contact_center;" in \
        messages["near_duplicate"]
    assert messages["exclude_keyword"] == (
        "fg1#3: kodningen med 'contact_center' fra anna indeholder 'chat', et ord, som kodens "
        "definition udelukker")
    assert "bruges kun af" in messages["single_coder"]
    assert messages["unused"] == ("'caseworker_change' (Skift af sagsbehandler) er "
                                  "aldrig blevet brugt")
