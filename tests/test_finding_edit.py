"""Finding statements edited with a version check: a concurrent edit is refused, not lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog.errors import ConflictError, ProjectError
from kodebog.findings import read_finding, set_finding
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.models import Event, Finding


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file)
    yield store
    store.dispose()


def stored(store: Store, code: str) -> tuple[str, int, str | None]:
    with store.read() as session:
        finding = session.scalars(select(Finding).where(Finding.code_id == code)).one()
        return finding.statement, finding.version, finding.updated_by


def test_first_statement_then_an_update_from_the_version_read(store: Store) -> None:
    with store.read() as session:
        empty = read_finding(session, "contact_center")
    assert (empty.statement, empty.version) == ("", 0)
    first = set_finding(store, "contact_center", "Svært at komme igennem.", "anna", base_version=0)
    assert first.created and first.version == 1
    second = set_finding(store, "contact_center", "Telefontiden er for kort.", "anna",
                         base_version=1)
    assert not second.created and second.version == 2
    assert stored(store, "contact_center") == ("Telefontiden er for kort.", 2, "anna")
    with store.read() as session:
        events = list(session.scalars(select(Event).where(Event.action == "finding.update")
                                      .order_by(Event.id)))
    assert [e.after["version"] for e in events if e.after] == [1, 2]
    assert events[1].before == {"statement": "Svært at komme igennem.", "quotes": [],
                                "version": 1}


def test_a_stale_version_is_refused_and_names_who_changed_it(store: Store) -> None:
    set_finding(store, "contact_center", "Annas udkast.", "anna", base_version=0)
    set_finding(store, "contact_center", "Bos version.", "bo", base_version=1)
    with pytest.raises(ConflictError, match=r"changed by bo \(now version 2, you started from "
                                            r"version 1\); your text was not saved"):
        set_finding(store, "contact_center", "Annas anden tekst.", "anna", base_version=1)
    assert stored(store, "contact_center") == ("Bos version.", 2, "bo")


def test_creating_when_someone_else_created_first_is_a_conflict(store: Store) -> None:
    set_finding(store, "rules_and_system", "Bo var først.", "bo", base_version=0)
    with pytest.raises(ConflictError, match="changed by bo"):
        set_finding(store, "rules_and_system", "Anna ville også.", "anna", base_version=0)
    assert stored(store, "rules_and_system") == ("Bo var først.", 1, "bo")


def test_unknown_code_is_refused(store: Store) -> None:
    with pytest.raises(ProjectError, match="unknown code 'nope'"):
        set_finding(store, "nope", "x", "anna", base_version=0)


def test_cli_finding_refuses_a_stale_base_version(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    from .conftest import SMALL_CODEBOOK

    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    project = str(tmp_path / "p.kodebog")
    assert main(["init", project, "--codebook", str(codebook)]) == 0
    args = ["finding", project, "contact_center", "--coder", "anna"]
    assert main([*args, "--text", "Første udgave.", "--base-version", "0"]) == 0
    assert main([*args, "--text", "Anden udgave.", "--base-version", "1"]) == 0
    capsys.readouterr()
    assert main([*args, "--text", "Forældet.", "--base-version", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kodebog: ") and "version" in err and err.count("\n") == 1
