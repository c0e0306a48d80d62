"""Number attributes compared in round bands (the compare screen's automatic rule)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kodebog.participants import define_attribute, set_attribute
from kodebog.store import Store
from kodebog.store.models import Participant
from kodebog.views import compare_counts
from kodebog.views.compare import CompareQuery, compare
from kodebog.views.compare_counts import auto_bands, parse_band
from kodebog.views.retrieve import RetrieveQuery, retrieve

from .test_retrieve import store  # noqa: F401  (the fixture)


def test_ages_fall_into_decades_and_few_values_are_not_banded() -> None:
    assert [label for label, _low, _high in auto_bands(list(range(18, 68)))] == [
        "10–19", "20–29", "30–39", "40–49", "50–59", "60–69"]
    assert auto_bands([18, 25, 40, 41, 67, 70]) == []  # six values: each its own column
    assert [label for label, _l, _h in auto_bands([0.5, 1.25, 2, 3.5, 4, 6.75, 9.5])] == [
        "0–<2", "2–<4", "4–<6", "6–<8", "8–<10"]
    assert [label for label, _l, _h in auto_bands(list(range(0, 1000, 7)))] == [
        "0–199", "200–399", "400–599", "600–799", "800–999"]
    assert parse_band("30–39") == (30.0, 40.0)
    assert parse_band("2,5–<5") == (2.5, 5.0)
    assert parse_band("over 2 år") is None
    assert parse_band("30-39") == (30.0, 40.0)  # a hyphen typed for the dash
    negative = auto_bands(list(range(-25, 40, 3)))
    assert [label for label, _l, _h in negative] == [
        "-30–-21", "-20–-11", "-10–-1", "0–9", "10–19", "20–29", "30–39"]
    assert [parse_band(label) for label, _l, _h in negative][:3] == [
        (-30.0, -20.0), (-20.0, -10.0), (-10.0, 0.0)]
    assert parse_band("−2,5–<0") == (-2.5, 0.0)


def test_compare_by_age_bands_and_a_band_cell_opens_its_passages(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    # six people, six ages: banded once more than two values count as many
    monkeypatch.setattr(compare_counts, "MAX_VALUES", 2)
    define_attribute(store, "alder", "anna", kind="number")
    with store.read() as session:
        ids = dict(session.execute(select(Participant.key, Participant.id)).all())
    ages = {"fg1:Borger 1": "34", "fg1:Borger 2": "51", "fg2:Borger 1": "29",
            "fg2:Borger 2": "38", "fg1:Interviewer": "60", "fg2:Interviewer": "45"}
    for key, age in ages.items():
        set_attribute(store, ids[key], "alder", age, "anna")
    with store.read() as session:
        matrix = compare(session, CompareQuery("alder"))
        # interviewers are left out of the columns; their ages still shape the bands
        assert matrix.columns == ["20–29", "30–39", "50–59"]
        assert "in bands 20–29, 30–39" in matrix.note
        cells = {(code, column): matrix.cell(code, column).text()
                 for code in ("caseworker_relation", "contact_center")
                 for column in matrix.columns}
        # fg1 Borger 1 (34): relation twice on #2 (anna, bo), contact on #2 and #4;
        # fg1 Borger 2 (51): relation on #3, contact on #5; fg2 Borger 1 (29): relation
        assert cells == {
            ("caseworker_relation", "20–29"): "1 · 1/1",
            ("caseworker_relation", "30–39"): "2 · 1/2",
            ("caseworker_relation", "50–59"): "1 · 1/1",
            ("contact_center", "20–29"): "0 · 0/1",
            ("contact_center", "30–39"): "2 · 1/2",
            ("contact_center", "50–59"): "1 · 1/1",
        }
        query = matrix.retrieve_query("caseworker_relation", "30–39")
        assert query == RetrieveQuery(("caseworker_relation",), where=(("alder", "30–39"),))
        assert [(p.source, p.unit, p.coder) for p in retrieve(session, query).passages] == [
            ("fg1", 2, "anna"), ("fg1", 2, "bo")]
