"""Users of a served project: hashed passwords, roles, the CLI, and who may settle."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import coding
from kodebog.adjudication import settle
from kodebog.cli import main
from kodebog.errors import ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store, open_project
from kodebog.store.models import AppUser, Event
from kodebog.users import (
    add_user,
    has_users,
    list_users,
    may_settle,
    remove_user,
    set_role,
    verify,
)

from .conftest import make_parsed

PASSWORD = "kodeord æøå 😀"


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file)
    import_parsed(store, make_parsed())
    yield store
    store.dispose()


def test_add_verify_role_remove_and_events(store: Store) -> None:
    with store.read() as session:
        assert not has_users(session)
        assert may_settle(session, "anna")  # no users: everybody may
    with store.write() as session:
        user = add_user(session, "anna", PASSWORD)
        assert user.role == "coder"
        add_user(session, "rikke", "hemmeligt-ord", role="reviewer")
    with store.read() as session:
        stored = session.scalar(select(AppUser.password_hash).where(AppUser.name == "anna"))
        assert stored is not None and stored.startswith("$argon2id$")
        assert PASSWORD not in stored
        assert verify(session, "anna", PASSWORD) == user
        assert verify(session, "anna", "forkert kodeord") is None
        assert verify(session, "nobody", PASSWORD) is None
        assert not may_settle(session, "anna") and may_settle(session, "rikke")
        assert not may_settle(session, "stranger")
    with store.write() as session:
        set_role(session, "anna", "reviewer")
        remove_user(session, "rikke")
    with store.read() as session:
        assert [(u.name, u.role) for u in list_users(session)] == [("anna", "reviewer")]
        events = session.execute(
            select(Event.action, Event.entity_id, Event.before, Event.after)
            .where(Event.entity == "app_user").order_by(Event.id)).all()
    assert [(e[0], e[1]) for e in events] == [
        ("user.add", "anna"), ("user.add", "rikke"), ("user.role", "anna"),
        ("user.remove", "rikke")]
    assert events[2][2] == {"name": "anna", "role": "coder"}
    assert all(PASSWORD not in str(e) for e in events)


@pytest.mark.parametrize(("name", "password", "role", "says"), [
    ("", "langt-nok-ord", "coder", "name is empty"),
    ("konsensus", "langt-nok-ord", "coder", "consensus coder"),
    ("bo", "kort", "coder", "shorter than 8"),
    ("bo", "langt-nok-ord", "admin", "role 'admin'"),
])
def test_add_refuses_bad_input(store: Store, name: str, password: str, role: str,
                               says: str) -> None:
    with pytest.raises(ProjectError, match=says), store.write() as session:
        add_user(session, name, password, role)
    with store.read() as session:
        assert not has_users(session)


def test_duplicate_and_unknown_users_refused(store: Store) -> None:
    with store.write() as session:
        add_user(session, "anna", PASSWORD)
    with pytest.raises(ProjectError, match="already exists"), store.write() as session:
        add_user(session, "anna", PASSWORD)
    with pytest.raises(ProjectError, match="no user 'bo'"), store.write() as session:
        set_role(session, "bo", "reviewer")
    with pytest.raises(ProjectError, match="no user 'bo'"), store.write() as session:
        remove_user(session, "bo")


def test_only_a_reviewer_settles_once_users_exist(store: Store) -> None:
    with store.read() as session:
        unit = find_unit(session, find_source(session, "fg1"), 2).id
    coding.apply_code(store, "anna", unit, "caseworker_relation")
    with store.write() as session:
        add_user(session, "anna", PASSWORD)
        add_user(session, "rikke", PASSWORD, role="reviewer")
    with pytest.raises(ProjectError, match="'anna' is not a reviewer"):
        settle(store, "anna", unit, "caseworker_relation", ("anna", "rikke"), "a")
    with store.read() as session:
        assert session.scalar(select(Event.id).where(
            Event.action == "adjudication.settle")) is None
    result = settle(store, "rikke", unit, "caseworker_relation", ("anna", "rikke"), "a")
    assert result.spans


def test_cli_users_add_role_remove(project_location: str, codebook_file: Path,
                                   capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    init_project(project_location, codebook_file).dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", project_location, "anna", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("andet-kodeord\r\n"))
    assert main(["users", "add", project_location, "rikke", "--role", "reviewer",
                 "--password-stdin"]) == 0
    assert main(["users", "role", project_location, "anna", "--role", "reviewer"]) == 0
    assert main(["users", "remove", project_location, "rikke"]) == 0
    assert main(["users", "list", project_location]) == 0
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    assert "added anna as coder" in out and "anna\treviewer" in out
    store = open_project(project_location)
    try:
        with store.read() as session:
            assert verify(session, "anna", PASSWORD) is not None
            assert [u.name for u in list_users(session)] == ["anna"]
    finally:
        store.dispose()


def test_cli_refuses_without_a_password(tmp_path: Path, codebook_file: Path,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "p.kodebog")
    init_project(path, codebook_file).dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", path, "anna"]) == 1  # not a terminal, no --password-stdin
    assert main(["users", "add", path, "anna", "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["users", "add", path, "anna", "--password-stdin"]) == 1
    assert main(["users", "remove", path, "bo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 4 and "Traceback" not in err
    assert "--password-stdin" in err and "shorter than 8" in err and "no user 'bo'" in err


def test_cli_users_speaks_danish(tmp_path: Path, codebook_file: Path, danish: None,
                                 capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "p.kodebog")
    init_project(path, codebook_file).dispose()
    assert main(["users", "list", path]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", path, "anna", "--password-stdin"]) == 0
    assert main(["users", "role", path, "anna", "--role", "reviewer"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", path, "bo"]) == 1
    out, err = capsys.readouterr()
    assert "ingen brugere: projektet kræver intet login" in out
    assert "tilføjede anna som koder" in out and "anna er nu reviewer" in out
    assert "ingen terminal at spørge efter adgangskoden i" in err
    with pytest.raises(SystemExit):
        main(["users", "add", "--help"])
    assert "læs adgangskoden fra første linje af standard input" in capsys.readouterr().out
