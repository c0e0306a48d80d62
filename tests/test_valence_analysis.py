"""Valence in the analysis: a retrieve filter (core and CLI) and a compare dimension."""

from __future__ import annotations

import json

import pytest

from kodebog.cli import main
from kodebog.coding import apply_code
from kodebog.store import Store
from kodebog.views.compare import VALENCE, CompareQuery, compare
from kodebog.views.retrieve import RetrieveQuery, retrieve

from .test_retrieve import TURNS, store  # noqa: F401  (the fixture)


def set_valences(store: Store) -> None:  # noqa: F811
    """fg1 #2 anna's relation positive, bo's relation negative, fg1 #3 relation mixed."""
    from kodebog.queries import find_source, find_unit

    with store.read() as session:
        two = find_unit(session, find_source(session, "fg1"), 2).id
        three = find_unit(session, find_source(session, "fg1"), 3).id
    apply_code(store, "anna", two, "caseworker_relation", (0, 30), valence="positive")
    apply_code(store, "bo", two, "caseworker_relation", valence="negative")
    apply_code(store, "anna", three, "caseworker_relation", (23, 51), valence="mixed")


def found(store: Store, query: RetrieveQuery) -> list[tuple[str, int, str, str | None]]:  # noqa: F811
    with store.read() as session:
        return [(p.source, p.unit, p.coder, p.valence) for p in retrieve(session, query).passages]


def test_retrieve_filters_by_valence(store: Store) -> None:  # noqa: F811
    set_valences(store)
    relation = ("caseworker_relation",)
    assert found(store, RetrieveQuery(relation, valences=("positive",))) == [
        ("fg1", 2, "anna", "positive")]
    assert found(store, RetrieveQuery(relation, valences=("negative", "mixed"))) == [
        ("fg1", 2, "bo", "negative"), ("fg1", 3, "anna", "mixed")]
    assert found(store, RetrieveQuery(relation, valences=("none",))) == [
        ("fg2", 2, "anna", None)]
    assert len(found(store, RetrieveQuery(relation))) == 4


def test_compare_codes_by_valence(store: Store) -> None:  # noqa: F811
    set_valences(store)
    with store.read() as session:
        matrix = compare(session, CompareQuery(VALENCE))
    assert matrix.columns == ["positive", "negative", "mixed", "none"]
    relation = {column: (matrix.cell("caseworker_relation", column).passages,
                         matrix.cell("caseworker_relation", column).people)
                for column in matrix.columns}
    # fg1 #2 is Borger 1 (anna +, bo −), fg1 #3 Borger 2 (±), fg2 #2 Borger 1 of fg2 (none)
    assert relation == {"positive": (1, 1), "negative": (1, 1), "mixed": (1, 1),
                        "none": (1, 1)}
    contact = {column: matrix.cell("contact_center", column).passages
               for column in matrix.columns}
    assert contact == {"positive": 0, "negative": 0, "mixed": 0, "none": 3}
    # everyone who could have said it: Borger 1 and 2 of fg1 and of fg2 (no interviewers)
    assert {matrix.cell("caseworker_relation", c).of for c in matrix.columns} == {4}
    query = matrix.retrieve_query("caseworker_relation", "negative")
    assert query.valences == ("negative",)


def test_cli_retrieve_valence(store: Store, project_location: str,  # noqa: F811
                              capsys: pytest.CaptureFixture[str]) -> None:
    if not project_location.endswith(".kodebog"):
        pytest.skip("the CLI test runs on the SQLite file")
    set_valences(store)
    store.dispose()
    assert main(["retrieve", project_location, "--code", "caseworker_relation",
                 "--valence", "negative", "--valence", "mixed", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["source"], p["unit"], p["coder"], p["valence"], p["text"])
            for p in data["passages"]] == [
        ("fg1", 2, "bo", "negative", TURNS[1][1]),
        ("fg1", 3, "anna", "mixed", "min sagsbehandler hjalp mig."),
    ]
    assert main(["retrieve", project_location, "--code", "caseworker_relation",
                 "--valence", "positive"]) == 0
    out = capsys.readouterr().out
    assert "[anna] caseworker_relation +" in out
    assert out.splitlines()[-1].startswith("1 passage · 1 participant")
    with pytest.raises(SystemExit):
        main(["retrieve", project_location, "--code", "x", "--valence", "good"])
    assert "invalid choice: 'good'" in capsys.readouterr().err




def test_the_cli_offers_every_valence() -> None:
    from kodebog import coding
    from kodebog.cli import analysis

    assert analysis.VALENCES == coding.VALENCES
