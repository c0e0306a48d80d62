"""Valence on codings: set, log, undo/redo, and works well / less well in findings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import coding
from kodebog.errors import ProjectError
from kodebog.findings import build_findings
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.store.models import Coding, Event

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


def valence(store: Store, coding_id: int) -> str | None:
    with store.read() as session:
        return session.scalar(select(Coding.valence).where(Coding.id == coding_id))


def test_set_valence_logs_and_undoes(store: Store) -> None:
    applied = coding.apply_code(store, "anna", unit(store, 2), "caseworker_relation")
    coding_id = applied.coding_ids[0]
    change = coding.set_valence(store, "anna", coding_id, "negative")
    assert change.action == "coding.valence" and valence(store, coding_id) == "negative"
    assert coding.set_valence(store, "anna", coding_id, "negative").event_id is None
    coding.set_valence(store, "anna", coding_id, "mixed")
    with store.read() as session:
        event = session.scalars(select(Event).where(Event.action == "coding.valence")
                                .order_by(Event.id.desc())).first()
    assert event is not None and event.before is not None and event.after is not None
    assert (event.before["codings"][0]["valence"], event.after["codings"][0]["valence"]) == (
        "negative", "mixed")
    coding.undo(store, "anna")
    assert valence(store, coding_id) == "negative"
    coding.redo(store, "anna")
    assert valence(store, coding_id) == "mixed"
    coding.set_valence(store, "anna", coding_id, "none")
    assert valence(store, coding_id) is None
    with pytest.raises(ProjectError, match="valence 'good': choose one of positive"):
        coding.set_valence(store, "anna", coding_id, "good")
    with pytest.raises(ProjectError, match="belongs to another coder"):
        coding.set_valence(store, "bo", coding_id, "positive")


def test_tagging_again_with_a_valence_sets_it_on_the_existing_coding(store: Store) -> None:
    first = coding.apply_code(store, "anna", unit(store, 3), "caseworker_change",
                              valence="positive")
    assert valence(store, first.coding_ids[0]) == "positive"
    again = coding.apply_code(store, "anna", unit(store, 3), "caseworker_change",
                              valence="negative")
    assert again.coding_ids == first.coding_ids and again.message == "updated"
    assert valence(store, first.coding_ids[0]) == "negative"
    coding.undo(store, "anna")
    assert valence(store, first.coding_ids[0]) == "positive"


def test_findings_split_a_theme_into_works_well_and_less_well(store: Store) -> None:
    coding.apply_code(store, "anna", unit(store, 2), "caseworker_relation", valence="negative")
    coding.apply_code(store, "anna", unit(store, 3), "caseworker_relation", valence="mixed")
    coding.apply_code(store, "anna", unit(store, 4), "caseworker_relation")
    coding.apply_code(store, "bo", unit(store, 4), "caseworker_relation", valence="positive")
    coding.apply_code(store, "anna", unit(store, 4), "contact_center")
    with store.read() as session:
        findings = build_findings(session)
    theme = next(t for t in findings.themes if t.code.id == "caseworker_relation")
    sides = {s.valence: (s.units, s.participants, s.codings, len(s.quotes))
             for s in theme.sides}
    # units 2 (Borger 1), 3 (Borger 2), 4 (Borger 1): mixed counts on both sides
    assert sides == {"positive": (2, 2, 2, 2), "negative": (2, 2, 2, 2)}
    quote = next(q for q in theme.quotes if q.unit == 4)
    assert quote.valence == "positive"  # anna said nothing, bo said positive
    other = next(t for t in findings.themes if t.code.id == "contact_center")
    assert other.sides == ()


def test_cli_tag_with_a_valence(tmp_path: Path, codebook_file: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    location = str(tmp_path / "p.kodebog")
    store = init_project(location, codebook_file)
    import_parsed(store, make_parsed())
    assert main(["tag", location, "fg1", "2", "contact_center", "--coder", "anna",
                 "--valence", "negative"]) == 0
    assert main(["tag", location, "fg1", "2", "contact_center", "--coder", "anna",
                 "--valence", "mixed"]) == 0
    assert capsys.readouterr().out.splitlines() == ["fg1 unit 2: contact_center applied",
                                                    "fg1 unit 2: contact_center updated"]
    with store.read() as session:
        assert session.scalar(select(Coding.valence)) == "mixed"
    with pytest.raises(SystemExit):  # argparse names the choices
        main(["tag", location, "fg1", "2", "contact_center", "--valence", "good"])
    store.dispose()
