"""Project-level coder comparison and disagreements, checked by hand, on both backends."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog import coding
from kodebog.cli import main
from kodebog.comparison import character_kappa, compare_coders, disagreements
from kodebog.errors import ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store

from .conftest import make_parsed


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    """fg1 coded by anna and bo; fg2 coded by anna only (so it is not compared)."""
    store = init_project(project_location, codebook_file)
    import_parsed(store, make_parsed("fg1"))
    import_parsed(store, make_parsed("fg2", [("Borger 1", "Telefonen er lukket.")]))

    def tag(coder: str, source: str, ordinal: int, code: str) -> None:
        with store.read() as session:
            unit = find_unit(session, find_source(session, source), ordinal)
        coding.apply_code(store, coder, unit.id, code)

    for coder, ordinal, code in [
        ("anna", 2, "caseworker_relation"), ("anna", 3, "caseworker_change"),
        ("anna", 4, "contact_center"), ("bo", 2, "caseworker_relation"),
        ("bo", 3, "caseworker_relation"), ("bo", 4, "contact_center"),
    ]:
        tag(coder, "fg1", ordinal, code)
    tag("anna", "fg2", 1, "contact_center")
    yield store
    store.dispose()


def test_agreement_per_code_matches_hand_computation(store: Store) -> None:
    with store.read() as session:
        result = compare_coders(session, ["anna", "bo"])
    assert result.sources == ["fg1"]
    rows = {row.code: row for row in result.codes}
    relation = rows["caseworker_relation"]
    assert relation.units == 4 and relation.counts == {"anna": 1, "bo": 2}
    assert relation.percent == 0.75 and relation.kappa == {"anna|bo": 0.5}
    assert relation.alpha == pytest.approx(1 - 14 / 30, abs=1e-4)
    change = rows["caseworker_change"]
    assert change.kappa == {"anna|bo": 0.0} and change.alpha == pytest.approx(0.0, abs=1e-9)
    assert rows["contact_center"].kappa == {"anna|bo": 1.0} and rows["contact_center"].alpha == 1
    unused = rows["rules_and_system"]
    assert unused.alpha is None and unused.percent == 1.0
    assert any("variation" in note for note in unused.notes)
    assert result.overall is not None and result.overall.units == 16


def test_disagreements_list_each_coders_side(store: Store) -> None:
    with store.read() as session:
        found = disagreements(session, ["anna", "bo"])
    assert [(d.code, d.unit, d.has_code) for d in found] == [
        ("caseworker_relation", 3, {"anna": False, "bo": True}),
        ("caseworker_change", 3, {"anna": True, "bo": False}),
    ]
    assert found[0].codings["bo"][0]["text"].startswith("Jeg har haft fire")


def test_character_level_matches_nvivo_formula(store: Store) -> None:
    with store.read() as session:
        result = compare_coders(session, ["anna", "bo"], codes=["contact_center"],
                                by="character")
    [row] = result.characters
    assert row.both == len("Man kan aldrig få fat i nogen på telefonen 😡")
    assert (row.a_only, row.b_only, row.percent, row.kappa) == (0, 0, 100.0, 1.0)


def test_character_kappa_by_hand() -> None:
    # 100 characters: A codes 0-40, B codes 20-60: both 20, A only 20, B only 20, neither 40.
    percent, kappa = character_kappa(100, 40, 40, 20)
    expected = (0.6 - (0.4 * 0.4 + 0.6 * 0.6)) / (1 - (0.4 * 0.4 + 0.6 * 0.6))
    assert percent == 60.0 and kappa == pytest.approx(expected, abs=1e-4)
    assert character_kappa(50, 0, 0, 0) == (100.0, 1.0)


def test_unknown_coder_or_code_is_one_clear_error(store: Store) -> None:
    with store.read() as session:
        with pytest.raises(ProjectError, match="unknown coder"):
            compare_coders(session, ["anna", "kim"])
        with pytest.raises(ProjectError, match="two or more"):
            compare_coders(session, ["anna"])
        with pytest.raises(ProjectError, match="unknown code"):
            compare_coders(session, ["anna", "bo"], codes=["nope"])


def test_agree_cli_json(store: Store, project_location: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", project_location, "--coders", "anna,bo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sources"] == ["fg1"] and "marked it done" in data["rule"]
    kappas = {row["code"]: row["kappa"]["anna|bo"] for row in data["codes"]}
    assert kappas["caseworker_relation"] == 0.5
    assert kappas["rules_and_system"] is None or math.isnan(kappas["rules_and_system"])
    assert main(["agree", project_location, "--coders", "anna,bo"]) == 0
    table = capsys.readouterr().out
    assert "caseworker_relation" in table and "overall" in table
    assert main(["disagreements", project_location, "--coders", "anna,bo", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_binary_fast_path_equals_the_general_statistics() -> None:
    import numpy as np

    from kodebog.agreement import cohen_kappa, krippendorff_alpha, percent_agreement
    from kodebog.comparison import binary_stats

    rng = np.random.default_rng(5)
    for coders in (2, 3, 5):
        for units in (2, 7, 300):
            for density in (0.05, 0.5):
                matrix = (rng.random((coders, units)) < density).astype(np.int8)
                fast = binary_stats(matrix)
                if fast is None:
                    continue
                percent, kappas, alpha = fast
                assert percent.value == pytest.approx(percent_agreement(matrix).value)
                assert alpha.value == pytest.approx(
                    krippendorff_alpha(matrix, "nominal").value, abs=1e-9)
                general = [cohen_kappa(matrix[[i, j]]).value
                           for i in range(coders) for j in range(i + 1, coders)]
                assert [k.value for k in kappas] == pytest.approx(general, abs=1e-9)
    assert binary_stats(np.zeros((2, 10), dtype=np.int8)) is None


def test_marking_a_source_done_makes_all_its_units_count(store: Store, project_location: str,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    with store.read() as session:
        assert compare_coders(session, ["anna", "bo"], codes=["contact_center"]).sources == [
            "fg1"]
    assert main(["done", project_location, "fg2", "--coder", "bo"]) == 0
    with store.read() as session:
        result = compare_coders(session, ["anna", "bo"], codes=["contact_center"])
    assert result.sources == ["fg1", "fg2"] and result.codes[0].units == 5
    assert main(["done", project_location, "fg2", "--coder", "bo", "--undo"]) == 0
    assert "marked not done" in capsys.readouterr().out
