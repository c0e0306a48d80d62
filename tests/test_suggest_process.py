"""The spaCy helper process: the same suggestions as in-process, errors, restarts, warm-up."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from kodebog.errors import ProjectError
from kodebog.store import Store
from kodebog.store.models import Coding
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest import service
from kodebog.suggest.process import SpacyProcess, can_serve

from .test_suggest_service import make_store, new_unit_ids


@pytest.fixture(scope="module")
def helper() -> Iterator[SpacyProcess]:
    """One helper for the module (it loads spaCy once)."""
    process = SpacyProcess()
    yield process
    process.stop()
    assert not process.running


@pytest.fixture
def store(project_location: str, tmp_path: Path) -> Iterator[Store]:
    store = make_store(project_location, tmp_path)
    yield store
    store.dispose()


def stored(store: Store) -> list[tuple[int, str, str]]:
    with store.read() as session:
        rows = session.execute(select(SuggestionRow.unit_id, SuggestionRow.code_id,
                                      SuggestionRow.status))
        return sorted((int(u), str(c), str(s)) for u, c, s in rows)


def test_the_helper_suggests_and_stores_what_the_service_would(helper: SpacyProcess,
                                                                 store: Store) -> None:
    units = new_unit_ids(store)
    found = helper.suggest(store, "anna", units, top_k=3, model_name="")
    assert helper.running
    assert found[units[0]][0].code == "contact_center"
    assert "caseworker_change" in {s.code for s in found[units[1]]}
    rows = stored(store)
    assert rows == sorted((u, s.code, "open") for u, items in found.items() for s in items)
    again = service.suggest_for_units(store, "anna", units, 3, model_name="")
    assert {u: [(s.id, s.code) for s in items] for u, items in again.items()} == {
        u: [(s.id, s.code) for s in items] for u, items in found.items()}
    with store.read() as session:
        assert session.scalars(select(Coding).where(Coding.origin == "suggestion")).all() == []


def test_the_helper_trains_and_stores_the_coders_model(helper: SpacyProcess,
                                                       store: Store) -> None:
    info = helper.train(store, "anna", model_name="")
    assert info.coder == "anna" and info.n_coded == 18
    assert set(info.codes) == {"caseworker_change", "contact_center", "letters_information"}
    with store.read() as session:
        state = service.model_state(session, "anna")
    assert state is not None and state.id == info.id


def test_a_users_error_in_the_helper_is_a_project_error(helper: SpacyProcess,
                                                        tmp_path: Path) -> None:
    store = make_store(str(tmp_path / "p.kodebog"), tmp_path)
    with pytest.raises(ProjectError, match="no unit with id 99999"):
        helper.suggest(store, "anna", [99999], model_name="")
    assert helper.running  # the helper goes on
    store.dispose()


def test_a_bug_in_the_helper_comes_back_with_its_traceback(helper: SpacyProcess) -> None:
    with pytest.raises(RuntimeError, match=r"(?s)in the suggestions process:.*KeyError"):
        helper._call("no such request")


def test_warm_up_answers_nothing_and_the_next_call_waits_for_it(helper: SpacyProcess,
                                                                tmp_path: Path) -> None:
    store = make_store(str(tmp_path / "p.kodebog"), tmp_path)
    assert helper.warm_up(store, "anna", model_name="")
    units = new_unit_ids(store)
    found = helper.suggest(store, "anna", units[:1], model_name="")
    assert found[units[0]][0].code == "contact_center"
    store.dispose()


def test_a_helper_that_died_is_started_again(tmp_path: Path) -> None:
    store = make_store(str(tmp_path / "p.kodebog"), tmp_path)
    units = new_unit_ids(store)
    helper = SpacyProcess()
    try:
        assert not helper.interrupt()  # nothing in flight
        errors: list[BaseException] = []

        def call() -> None:
            try:
                helper.suggest(store, "anna", units, model_name="")
            except BaseException as error:  # checked below
                errors.append(error)

        caller = threading.Thread(target=call)
        caller.start()
        deadline = time.monotonic() + 30
        while not helper.interrupt():  # in flight: the first call loads spaCy (seconds)
            assert time.monotonic() < deadline
            time.sleep(0.01)
        caller.join(30)
        assert len(errors) == 1 and isinstance(errors[0], ProjectError)
        assert "stopped before it answered" in str(errors[0])
        assert not helper.running
        found = helper.suggest(store, "anna", units[:1], model_name="")
        assert found[units[0]][0].code == "contact_center"
    finally:
        helper.stop()
        store.dispose()


def test_an_in_memory_project_is_served_in_this_process() -> None:
    assert not can_serve(Store(make_url("sqlite://")))
    assert not can_serve(Store(make_url("sqlite:///:memory:")))
    assert can_serve(Store(make_url("sqlite:///project.kodebog")))
    assert can_serve(Store(make_url("postgresql+psycopg://postgres@127.0.0.1/test")))
