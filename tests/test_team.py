"""Teams: copy between backends, backup, audit trail, migrations, crash safety, concurrency."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from kodebog import coding
from kodebog.cli import main
from kodebog.errors import ConflictError, ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project, update_codebook
from kodebog.queries import find_source, find_unit, list_units
from kodebog.store import Store, open_project
from kodebog.store.engine import SCHEMA_HEAD
from kodebog.store.models import Coding, Unit
from kodebog.transfer import backup_project, content_hash, copy_project

from .conftest import ROOT, make_parsed

OLD_PROJECT = ROOT / "tests" / "data" / "projects" / "schema_0001.kodebog"


@pytest.fixture
def sqlite_project(tmp_path: Path, codebook_file: Path) -> Iterator[str]:
    path = str(tmp_path / "team.kodebog")
    store = init_project(path, codebook_file, coder="anna")
    import_parsed(store, make_parsed("fg1"))
    with store.read() as session:
        source = find_source(session, "fg1")
        ids = [find_unit(session, source, n).id for n in (1, 2, 3, 4)]
    coding.apply_code(store, "anna", ids[1], "caseworker_relation", memo="æøå 😡")
    coding.apply_code(store, "anna", ids[2], "caseworker_change", (0, 12), key_quote=True)
    coding.apply_code(store, "bo", ids[3], "contact_center")
    coding.set_unit_memo(store, "bo", ids[3], "Vigtig")
    coding.undo(store, "anna")
    store.dispose()
    yield path


def test_copy_sqlite_to_postgresql_and_back_is_lossless(sqlite_project: str, pg_url: str,
                                                        tmp_path: Path) -> None:
    original = open_project(sqlite_project)
    digest, counts = content_hash(original)
    original.dispose()
    to_pg = copy_project(sqlite_project, pg_url)
    assert to_pg.sha256 == digest and to_pg.counts == counts
    back = tmp_path / "back.kodebog"
    result = copy_project(pg_url, back)
    assert result.sha256 == digest
    store = open_project(pg_url)
    coding.apply_code(store, "anna", 1, "rules_and_system")  # sequences moved past copied ids
    store.dispose()


def test_copy_refuses_a_target_that_holds_a_project(sqlite_project: str, tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="already exists"):
        copy_project(sqlite_project, sqlite_project)


def test_copy_cli_prints_counts_and_hash(sqlite_project: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["copy", sqlite_project, str(tmp_path / "c.kodebog")]) == 0
    out = capsys.readouterr().out
    assert "content sha256" in out and "4 unit" in out


def test_backup_while_a_coder_writes(sqlite_project: str, tmp_path: Path) -> None:
    stop = threading.Event()
    writing = threading.Event()
    writes: list[int] = []

    def writer() -> None:
        store = open_project(sqlite_project)
        with store.read() as session:
            ids = [u.id for u in list_units(session, find_source(session, "fg1"))]
        while not stop.is_set():
            for unit_id in ids:
                coding.toggle_code(store, "carl", unit_id, "rules_and_system")
                writes.append(unit_id)
                writing.set()
        store.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(30), "the writer never wrote"
        before = len(writes)
        result = backup_project(sqlite_project, tmp_path / "backup.kodebog")
        during = len(writes) - before
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(tmp_path / "backup.kodebog") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert result.counts["unit"] == 4
    # The backup ran while the coder kept writing (it took the writer's turns, not a lock).
    assert during > 0


def test_backup_of_postgresql_is_a_logical_copy(sqlite_project: str, pg_url: str,
                                                tmp_path: Path) -> None:
    copy_project(sqlite_project, pg_url)
    result = backup_project(pg_url, tmp_path / "pg-backup.kodebog")
    original = open_project(sqlite_project)
    assert result.sha256 == content_hash(original)[0]
    original.dispose()


def test_log_lists_who_did_what(sqlite_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log", sqlite_project, "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    actions = [(e["coder"], e["action"]) for e in events]
    assert ("anna", "coding.apply") in actions and ("anna", "undo") in actions
    assert ("bo", "unit.memo") in actions and events[0]["action"] == "codebook.update"
    apply = next(e for e in events if e["action"] == "coding.apply")
    assert apply["before"] == {"codings": []} and apply["after"]["codings"][0]["memo"] == "æøå 😡"
    assert main(["log", sqlite_project, "--coder", "bo", "--json"]) == 0
    assert {e["coder"] for e in json.loads(capsys.readouterr().out)} == {"bo"}
    assert main(["log", sqlite_project, "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["log", sqlite_project, "--since", "igår"]) == 1


def test_old_schema_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    project = tmp_path / "old.kodebog"
    shutil.copy(OLD_PROJECT, project)
    store = open_project(project)
    try:
        assert store.upgraded_from == "0001" and store.backup_path is not None
        assert store.backup_path.exists() and store.backup_path.parent == tmp_path
        with store.read() as session:
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            codings = session.scalar(select(func.count()).select_from(Coding))
        assert version == SCHEMA_HEAD and codings == 3
        assert coding.undo(store, "anna").action == "undo"  # old events still drive undo
    finally:
        store.dispose()
    with sqlite3.connect(store.backup_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_a_project_from_a_newer_kodebog_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "new.kodebog"
    shutil.copy(OLD_PROJECT, project)
    with sqlite3.connect(project) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ProjectError, match="newer kodebog"):
        open_project(project)


def test_codebook_update_from_a_stale_version_is_refused(sqlite_project: str,
                                                         codebook_file: Path) -> None:
    store = open_project(sqlite_project)
    try:
        changed = codebook_file.with_name("v2.yaml")
        changed.write_text(codebook_file.read_text(encoding="utf-8").replace(
            "Regler og system", "Regler, krav og system"), encoding="utf-8")
        update_codebook(store, changed, coder="anna", base_version=1)
        again = codebook_file.with_name("v3.yaml")
        again.write_text(codebook_file.read_text(encoding="utf-8").replace(
            "Regler og system", "Lovgivning"), encoding="utf-8")
        with pytest.raises(ConflictError, match="version 2"):
            update_codebook(store, again, coder="bo", base_version=1)
    finally:
        store.dispose()


@pytest.mark.pg
def test_concurrent_coders_on_postgresql_lose_nothing(pg_url: str, codebook_file: Path) -> None:
    store = init_project(pg_url, codebook_file)
    turns = [(f"Borger {i % 7}", f"Udsagn nummer {i}.") for i in range(60)]
    import_parsed(store, make_parsed("fg1", turns))
    with store.read() as session:
        ids = list(session.scalars(select(Unit.id).order_by(Unit.id)))
    store.dispose()
    errors: list[BaseException] = []

    def work(coder: str) -> None:
        own = open_project(pg_url)
        try:
            for unit_id in ids:
                coding.apply_code(own, coder, unit_id, "contact_center")
                coding.apply_code(own, coder, unit_id, "rules_and_system", (0, 6))
        except BaseException as error:  # collected and re-raised in the test thread
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=work, args=(f"coder{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    store = open_project(pg_url)
    with store.read() as session:
        total = session.scalar(select(func.count()).select_from(Coding))
        distinct = session.execute(text(
            "SELECT count(*) FROM (SELECT DISTINCT unit_id, code_id, coder_id, start, \"end\" "
            "FROM coding) AS d")).scalar()
    store.dispose()
    assert total == distinct == 4 * 60 * 2


def _crash_runs(project: str, kills: int, seed: int) -> None:
    """Kill a scripted run with SIGKILL ``kills`` times; check what it reported done."""
    rng = random.Random(seed)
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    reported: list[str] = []
    for run in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-u", str(ROOT / "tests" / "crash_worker.py"), project, f"r{run}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            cwd=str(ROOT),
        )
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.strip() == "ready", child.stderr.read() if child.stderr else ""
        # Kill right after a random "begin" line: that action is in flight, the ones before
        # it were reported done. No sleeping: the worker's own output says where it is.
        begins = rng.randint(1, 5)
        while begins:
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else ""
            if line.startswith("begin"):
                begins -= 1
            elif line.startswith("done"):
                reported.append(line.strip())
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate()
        reported += [line for line in out.splitlines() if line.startswith("done")]
        store = open_project(project)
        try:
            if store.is_sqlite:
                with store.read() as session:
                    assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            with store.read() as session:
                for line in reported:
                    parts = line.split()
                    source = find_source(session, parts[2])
                    if parts[1] == "import":
                        count = session.scalar(
                            select(func.count()).where(Unit.source_id == source.id))
                        assert count == 200, line
                    else:
                        unit = find_unit(session, source, int(parts[3]))
                        assert session.scalar(select(func.count()).where(
                            Coding.unit_id == unit.id)) == 1, line
        finally:
            store.dispose()
    assert reported, "the runs were killed before anything was done"


@pytest.mark.slow
def test_sigkill_during_import_and_coding_loses_only_the_action_in_flight_sqlite(
    tmp_path: Path, codebook_file: Path
) -> None:
    project = str(tmp_path / "crash.kodebog")
    init_project(project, codebook_file).dispose()
    _crash_runs(project, kills=20, seed=7)


@pytest.mark.slow
@pytest.mark.pg
def test_sigkill_during_import_and_coding_loses_only_the_action_in_flight_postgresql(
    pg_url: str, codebook_file: Path
) -> None:
    init_project(pg_url, codebook_file).dispose()
    _crash_runs(pg_url, kills=20, seed=11)


def test_store_is_reusable_after_errors(sqlite_project: str) -> None:
    store: Store = open_project(sqlite_project)
    try:
        with pytest.raises(ProjectError):
            coding.apply_code(store, "anna", 10_000, "contact_center")
        assert coding.apply_code(store, "anna", 1, "contact_center").event_id
    finally:
        store.dispose()
