"""Numbered recommendations: add, edit, move, remove, with one event per change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog.errors import ProjectError
from kodebog.findings.recommendations import (
    add_recommendation,
    edit_recommendation,
    list_recommendations,
    remove_recommendation,
)
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.models import Event


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file)
    yield store
    store.dispose()


def listed(store: Store) -> list[tuple[int, str, tuple[str, ...]]]:
    with store.read() as session:
        return [(r.number, r.title, r.codes) for r in list_recommendations(session)]


def test_add_edit_move_and_remove_keep_numbers_one_to_n(store: Store) -> None:
    add_recommendation(store, "anna", "Længere telefontid", "Åbn telefonen kl. 8-15.",
                       ["contact_center"])
    add_recommendation(store, "anna", "Fast sagsbehandler", codes=["caseworker_change",
                                                                   "caseworker_relation"])
    add_recommendation(store, "bo", "Enklere breve", number=1)
    assert listed(store) == [
        (1, "Enklere breve", ()),
        (2, "Længere telefontid", ("contact_center",)),
        (3, "Fast sagsbehandler", ("caseworker_change", "caseworker_relation")),
    ]
    edit_recommendation(store, "bo", 3, title="Én sagsbehandler  gennem forløbet",
                        codes=["caseworker_change"], new_number=1)
    assert listed(store) == [
        (1, "Én sagsbehandler gennem forløbet", ("caseworker_change",)),
        (2, "Enklere breve", ()),
        (3, "Længere telefontid", ("contact_center",)),
    ]
    removed = remove_recommendation(store, "anna", 2)
    assert removed.title == "Enklere breve"
    assert listed(store) == [
        (1, "Én sagsbehandler gennem forløbet", ("caseworker_change",)),
        (2, "Længere telefontid", ("contact_center",)),
    ]
    with store.read() as session:
        actions = list(session.scalars(select(Event.action).where(
            Event.entity == "recommendation").order_by(Event.id)))
        last = session.scalars(select(Event).where(Event.entity == "recommendation")
                               .order_by(Event.id.desc())).first()
    assert actions == ["recommendation.add"] * 3 + ["recommendation.edit",
                                                    "recommendation.remove"]
    assert last is not None and last.before is not None and last.after is None
    assert last.before["title"] == "Enklere breve"


def test_bad_input_is_refused_and_changes_nothing(store: Store) -> None:
    add_recommendation(store, "anna", "Længere telefontid", codes=["contact_center"])
    with pytest.raises(ProjectError, match="unknown code 'nope'"):
        add_recommendation(store, "anna", "X", codes=["nope"])
    with pytest.raises(ProjectError, match="title is empty"):
        add_recommendation(store, "anna", "   ")
    with pytest.raises(ProjectError, match="no recommendation number 4; the project has: 1"):
        edit_recommendation(store, "anna", 4, title="Y")
    with pytest.raises(ProjectError, match="--number 5: give 1 to 1"):
        edit_recommendation(store, "anna", 1, new_number=5)
    assert listed(store) == [(1, "Længere telefontid", ("contact_center",))]


def test_cli_add_edit_list_remove(tmp_path: Path, codebook_file: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kodebog.cli import main

    location = str(tmp_path / "p.kodebog")
    init_project(location, codebook_file).dispose()
    assert main(["recommendation", "add", location, "--title", "Længere telefontid",
                 "--code", "contact_center", "--coder", "anna"]) == 0
    assert main(["recommendation", "add", location, "--title", "Fast sagsbehandler",
                 "--code", "caseworker_change,caseworker_relation", "--number", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "added Recommendation 1: Længere telefontid  [contact_center]",
        "added Recommendation 1: Fast sagsbehandler  [caseworker_change, caseworker_relation]"]
    assert main(["recommendation", "edit", location, "2", "--text", "Kl. 8-15.",
                 "--to", "1"]) == 0
    assert main(["recommendation", "list", location, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [(r["number"], r["title"], r["text"]) for r in listed] == [
        (1, "Længere telefontid", "Kl. 8-15."), (2, "Fast sagsbehandler", "")]
    assert main(["recommendation", "remove", location, "1"]) == 0
    assert main(["recommendation", "edit", location, "5", "--title", "x"]) == 1
    captured = capsys.readouterr()
    assert "removed Recommendation 1: Længere telefontid" in captured.out
    assert captured.err.strip() == ("kodebog: no recommendation number 5; the project has: 1")
    assert main(["recommendation", "edit", location, "1"]) == 1
    assert "nothing to change" in capsys.readouterr().err
