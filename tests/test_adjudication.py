"""Settling disagreements writes consensus codings through the coding core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import coding
from kodebog.adjudication import settle
from kodebog.comparison import compare_coders
from kodebog.errors import ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.store.models import Coder, Coding, Event

from .conftest import make_parsed


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file)
    import_parsed(store, make_parsed())
    yield store
    store.dispose()


def unit(store: Store, ordinal: int) -> int:
    with store.read() as session:
        return find_unit(session, find_source(session, "fg1"), ordinal).id


def consensus(store: Store) -> list[tuple[int, str, int, int, str | None, str]]:
    with store.read() as session:
        return sorted(session.execute(
            select(Coding.unit_id, Coding.code_id, Coding.start, Coding.end, Coding.memo,
                   Coding.origin)
            .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == "konsensus")
        ).all())


def test_each_decision_writes_the_consensus(store: Store) -> None:
    u2, u3 = unit(store, 2), unit(store, 3)
    coding.apply_code(store, "anna", u2, "caseworker_relation")
    coding.apply_code(store, "bo", u2, "caseworker_relation", (0, 17))
    coding.apply_code(store, "bo", u3, "caseworker_change")
    settle(store, "rikke", u2, "caseworker_relation", ("anna", "bo"), "b", memo="kun første")
    assert consensus(store) == [(u2, "caseworker_relation", 0, 17, "kun første",
                                 "adjudication")]
    settle(store, "rikke", u2, "caseworker_relation", ("anna", "bo"), "both")
    assert [(c[2], c[3]) for c in consensus(store)] == [(0, 17), (0, 60)]
    settle(store, "rikke", u3, "caseworker_change", ("anna", "bo"), "a")
    assert all(c[0] == u2 for c in consensus(store))
    settle(store, "rikke", u2, "caseworker_relation", ("anna", "bo"), "none")
    assert consensus(store) == []
    with store.read() as session:
        actions = list(session.scalars(select(Event.action).where(
            Event.action == "adjudication.settle")))
    assert len(actions) == 4


def test_consensus_agreement_updates(store: Store) -> None:
    u2 = unit(store, 2)
    coding.apply_code(store, "anna", u2, "caseworker_relation")
    coding.apply_code(store, "bo", unit(store, 4), "contact_center")
    settle(store, "rikke", u2, "caseworker_relation", ("anna", "bo"), "a")
    with store.read() as session:
        result = compare_coders(session, ["anna", "konsensus"], codes=["caseworker_relation"])
    assert result.codes[0].kappa == {"anna|konsensus": 1.0}


def test_bad_decisions_are_refused(store: Store) -> None:
    with pytest.raises(ProjectError, match="choose one of"):
        settle(store, "rikke", unit(store, 2), "contact_center", ("anna", "bo"), "maybe")
    coding.apply_code(store, "anna", unit(store, 2), "contact_center")
    with pytest.raises(ProjectError, match="unknown coder 'kim'"):
        settle(store, "rikke", unit(store, 2), "contact_center", ("anna", "kim"), "a")
