"""Retrieve and compare on the agreed coding, on the hand-made project of ``test_agreed``.

fg1 is coded by anna and bo (both marked it done), fg2 by anna only:

- fg1 unit 2 caseworker_relation: anna and bo agree;
- fg1 unit 3 caseworker_change: anna only, settled "a" (the consensus coder keeps anna's span);
- fg1 unit 2 rules_and_system: anna only, settled "none";
- fg1 unit 4 contact_center: bo only, not settled (left out of the agreed coding);
- fg2 unit 1 contact_center: anna only, outside the double-coded sample (single coder).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog.cli import main
from kodebog.store import Store
from kodebog.views.compare import CompareQuery, compare
from kodebog.views.retrieve import RetrieveQuery, retrieve

from .test_agreed import build

CODES = ("caseworker_relation", "caseworker_change", "contact_center", "rules_and_system")


@pytest.fixture
def location(tmp_path: Path, codebook_file: Path) -> str:
    path = str(tmp_path / "agreed.kodebog")
    build(path, codebook_file).dispose()
    return path


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    from kodebog.store import open_project

    store = open_project(location)
    yield store
    store.dispose()


def found(store: Store, query: RetrieveQuery) -> list[tuple[str, int, str, str]]:
    with store.read() as session:
        return [(p.source, p.unit, p.code, p.coder) for p in retrieve(session, query).passages]


def test_retrieve_on_the_agreed_coding_leaves_out_the_unsettled_dispute(store: Store) -> None:
    assert found(store, RetrieveQuery(CODES, agreed=True)) == [
        ("fg1", 2, "caseworker_relation", "bo"),  # bo's span ends first
        ("fg1", 2, "caseworker_relation", "anna"),
        ("fg1", 3, "caseworker_change", "konsensus"),
        ("fg2", 1, "contact_center", "anna"),
    ]
    # every coder's codings, for contrast: the rejected and the unsettled ones are there
    assert found(store, RetrieveQuery(CODES)) == [
        ("fg1", 2, "caseworker_relation", "bo"),  # bo's span ends first
        ("fg1", 2, "caseworker_relation", "anna"),
        ("fg1", 2, "rules_and_system", "anna"),
        ("fg1", 3, "caseworker_change", "anna"),
        ("fg1", 3, "caseworker_change", "konsensus"),
        ("fg1", 4, "contact_center", "bo"),
        ("fg2", 1, "contact_center", "anna"),
    ]
    # one chosen coder: bo's material is his alone, the decision stands
    assert found(store, RetrieveQuery(CODES, coders=("bo",), agreed=True)) == [
        ("fg1", 2, "caseworker_relation", "bo"),
        ("fg1", 3, "caseworker_change", "konsensus"),
        ("fg1", 4, "contact_center", "bo"),
    ]


def test_and_and_not_count_only_the_agreed_coding(store: Store) -> None:
    # rules_and_system on fg1 unit 2 was settled "none": NOT does not exclude unit 2 any more
    assert found(store, RetrieveQuery(("caseworker_relation",), not_codes=("rules_and_system",),
                                      agreed=True)) == [
        ("fg1", 2, "caseworker_relation", "bo"), ("fg1", 2, "caseworker_relation", "anna")]
    assert found(store, RetrieveQuery(("caseworker_relation",), not_codes=("rules_and_system",))
                 ) == []


def test_compare_on_the_agreed_coding(store: Store) -> None:
    with store.read() as session:
        agreed = compare(session, CompareQuery("source", agreed=True))
        everyone = compare(session, CompareQuery("source"))
    assert agreed.agreed is not None and agreed.agreed.coders == ("anna", "bo")
    cells = {(code, source): (agreed.cell(code, source).passages,
                              agreed.cell(code, source).people)
             for code in CODES for source in ("fg1", "fg2")}
    assert cells == {
        ("caseworker_relation", "fg1"): (2, 1), ("caseworker_relation", "fg2"): (0, 0),
        ("caseworker_change", "fg1"): (1, 1), ("caseworker_change", "fg2"): (0, 0),
        ("contact_center", "fg1"): (0, 0), ("contact_center", "fg2"): (1, 1),
        ("rules_and_system", "fg1"): (0, 0), ("rules_and_system", "fg2"): (0, 0),
    }
    assert everyone.cell("contact_center", "fg1").passages == 1
    assert everyone.cell("rules_and_system", "fg1").passages == 1
    assert agreed.retrieve_query("contact_center", "fg2").agreed is True


def test_cli_retrieve_agreed_prints_the_rule(location: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retrieve", location, "--code", "contact_center", "--or", "caseworker_change",
                 "--agreed", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [(p["source"], p["unit"], p["code"], p["coder"]) for p in data["passages"]] == [
        ("fg1", 3, "caseworker_change", "konsensus"), ("fg2", 1, "contact_center", "anna")]
    assert data["agreed"]["coders"] == ["anna", "bo"]
    assert data["agreed"]["unsettled"] == 1 and data["agreed"]["settled"] == 2
    assert captured.err.startswith("rule: agreed coding: where the chosen coders")

    assert main(["retrieve", location, "--code", "contact_center", "--agreed",
                 "--coders", "anna,bo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("agreed coding of anna, bo") and "1 unsettled" in lines[0]
    assert lines[1].startswith("rule: ")
    assert "[anna]" in lines[3] and lines[-1].startswith("1 passage · 1 participant")

    assert main(["retrieve", location, "--code", "contact_center", "--coders", "anna"]) == 1
    assert "add --agreed" in capsys.readouterr().err
    assert main(["retrieve", location, "--code", "contact_center", "--agreed",
                 "--coder", "anna"]) == 1
    assert "exclude each other" in capsys.readouterr().err
