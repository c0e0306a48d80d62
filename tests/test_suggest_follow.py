"""Suggestions follow the living codebook: a new code at once, merged and split codes keep
their training examples, changes made from the CLI are picked up by the next suggestion run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import codes
from kodebog.cli import main
from kodebog.store import Store
from kodebog.store.models import Coding, SuggestModel
from kodebog.suggest import semantic, service
from kodebog.suggest.follow import model_behind
from kodebog.suggest.lookup import codebook_version
from kodebog.suggest.process import SpacyProcess

from .test_semantic import WordEmbedder
from .test_suggest_service import CODED, NEW, make_store, new_unit_ids

WEATHER = NEW.index("Vejret var fint den dag.")


@pytest.fixture
def store(project_location: str, tmp_path: Path) -> Iterator[Store]:
    made = make_store(project_location, tmp_path)
    yield made
    made.dispose()


def models(store: Store) -> list[tuple[int, dict[str, object]]]:
    with store.read() as session:
        return [(int(i), dict(m)) for i, m in session.execute(
            select(SuggestModel.id, SuggestModel.meta).order_by(SuggestModel.id))]


def codes_of(found: dict[int, list[service.SuggestionInfo]], unit: int) -> set[str]:
    return {s.code for s in found[unit]}


def add_weather(store: Store, **fields: object) -> None:
    codes.add_code(store, "anna", "Vejret", "weather",
                   description="vejret, solen og regnen", **fields)  # type: ignore[arg-type]


def test_a_new_code_is_suggested_at_once_without_waiting_for_training(store: Store) -> None:
    service.train_and_store(store, "anna", model_name="")
    trained = models(store)
    unit = new_unit_ids(store)[WEATHER]
    assert "weather" not in codes_of(service.suggest_for_units(store, "anna", [unit],
                                                               model_name=""), unit)
    add_weather(store, keywords=["vejr"], examples=["Vejret var dårligt.", "Det regnede."])
    found = service.suggest_for_units(store, "anna", [unit], model_name="")
    assert found[unit][0].code == "weather"
    assert models(store) == trained  # too few codings to learn from: nothing retrained


def test_the_semantic_tier_takes_a_new_codes_definition_at_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = WordEmbedder()
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: True)
    monkeypatch.setattr(semantic, "get_embedder", lambda: embedder)
    unit = new_unit_ids(store)[WEATHER]
    service.suggest_for_units(store, "anna", [unit], model_name="", semantic=True)
    codes.add_code(store, "anna", "Vejret", "weather", description="hvordan vejret var den dag")
    found = service.suggest_for_units(store, "anna", [unit], model_name="", semantic=True)
    assert found[unit][0].code == "weather"  # its definition only: no keywords, no examples
    assert found[unit][0].similar == "Vejret: hvordan vejret var den dag"


def test_the_helper_process_suggests_a_new_code_at_once(store: Store) -> None:
    helper = SpacyProcess()
    try:
        unit = new_unit_ids(store)[WEATHER]
        before = helper.suggest(store, "anna", [unit], model_name="")
        assert "weather" not in codes_of(before, unit)
        add_weather(store, keywords=["vejr"])
        after = helper.suggest(store, "anna", [unit], model_name="")
        assert after[unit][0].code == "weather"
    finally:
        helper.stop()


def test_a_merge_from_the_cli_retrains_the_model_at_the_next_suggestion(
    store: Store, project_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    service.train_and_store(store, "anna", model_name="")
    assert main(["code", "merge", project_location, "letters_information", "contact_center",
                 "--coder", "anna"]) == 0
    capsys.readouterr()
    with store.read() as session:
        assert model_behind(session, "anna")
    service.suggest_for_units(store, "anna", new_unit_ids(store), model_name="")
    (_, meta), = models(store)  # trained again, the old model replaced
    with store.read() as session:
        assert meta["codebook_version"] == codebook_version(session)
        assert not model_behind(session, "anna")
    assert "letters_information" not in meta["codes"]
    positives = meta["positives"]
    assert isinstance(positives, dict)
    merged = len(CODED["letters_information"]) + len(CODED["contact_center"])
    assert positives["contact_center"] >= merged  # the merged code's codings count


def test_a_split_code_keeps_its_training_examples(store: Store) -> None:
    service.train_and_store(store, "anna", model_name="")
    with store.read() as session:
        moved = list(session.scalars(select(Coding.id).where(
            Coding.code_id == "caseworker_change").order_by(Coding.id)))[:5]
    codes.split_code(store, "anna", "caseworker_change", "new_person", moved, label="Ny person")
    service.suggest_for_units(store, "anna", new_unit_ids(store), model_name="")
    (_, meta), = models(store)
    positives = meta["positives"]
    assert isinstance(positives, dict)
    assert positives["new_person"] >= 5  # the split-off codings train the new code


def test_a_renamed_code_keeps_its_model(store: Store) -> None:
    service.train_and_store(store, "anna", model_name="")
    trained = models(store)
    codes.rename_code(store, "anna", "contact_center", "Telefonen")
    with store.read() as session:
        assert not model_behind(session, "anna")  # same codes: the model still fits
    units = new_unit_ids(store)
    found = service.suggest_for_units(store, "anna", units, model_name="")
    assert models(store) == trained
    assert found[units[0]][0].code == "contact_center"


def test_without_a_model_nothing_is_behind(store: Store) -> None:
    codes.merge_codes(store, "anna", "letters_information", "contact_center")
    with store.read() as session:
        assert not model_behind(session, "anna")
