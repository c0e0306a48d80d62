"""The TUI's write worker (one thread, in order, busy retries) and driver errors in Store."""

from __future__ import annotations

import sqlite3
import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from kodebog import coding
from kodebog.errors import DatabaseBusyError, DatabaseUnavailableError, ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.tui.writer import WriteFailed, WriteJob, WriteQueue, WriteWaiting, Written

from .conftest import make_parsed


class Collector:
    """Stands in for a screen: keeps the messages the worker posts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    def post_message(self, message: Any) -> bool:
        self.messages.append(message)
        return True


def test_jobs_run_one_at_a_time_in_the_order_they_came() -> None:
    writer, target, ran = WriteQueue(), Collector(), []
    running = threading.Lock()

    def job(n: int) -> WriteJob:
        def run() -> int:
            assert running.acquire(blocking=False), "two jobs ran at once"
            try:
                ran.append(n)
                return n
            finally:
                running.release()
        return WriteJob(f"job {n}", run, target)  # type: ignore[arg-type]

    for n in range(50):
        writer.submit(job(n))
    assert writer.wait_idle(30)
    assert ran == list(range(50))
    assert [m.result for m in target.messages] == list(range(50))
    assert all(isinstance(m, Written) for m in target.messages)
    assert writer.pending == 0


def test_a_busy_project_is_said_once_and_retried_until_it_is_free() -> None:
    pauses: list[float] = []
    writer, target = WriteQueue(sleep=pauses.append), Collector()
    attempts = iter([DatabaseBusyError("the project is busy: x")] * 5 + [None])

    def run() -> str:
        error = next(attempts)
        if error is not None:
            raise error
        return "stored"

    writer.submit(WriteJob("the coding", run, target))  # type: ignore[arg-type]
    assert writer.wait_idle(30)
    waiting, written = target.messages
    assert isinstance(waiting, WriteWaiting) and "busy" in waiting.reason
    assert isinstance(written, Written) and written.result == "stored"
    assert len(pauses) == 5 and pauses == sorted(pauses)


def test_a_failed_write_is_one_line_naming_what_was_not_saved() -> None:
    writer, target = WriteQueue(), Collector()

    def refused() -> None:
        raise DatabaseUnavailableError("the database server did not answer (timeout)")

    def bug() -> None:
        raise KeyError("oops\nsecond line")

    writer.submit(WriteJob("your last coding", refused, target))  # type: ignore[arg-type]
    writer.submit(WriteJob("the memo", bug, target))  # type: ignore[arg-type]
    assert writer.wait_idle(30)
    first, second = target.messages
    assert isinstance(first, WriteFailed) and isinstance(second, WriteFailed)
    assert first.reason == ("your last coding was not saved: the database server did not "
                            "answer (timeout)")
    assert second.reason.startswith("the memo was not saved: unexpected KeyError")
    assert "\n" not in second.reason


def test_stop_finishes_what_is_queued(tmp_path: Path) -> None:
    writer, target, done = WriteQueue(), Collector(), list[int]()
    for n in range(5):
        writer.submit(WriteJob(str(n), partial(done.append, n), target))  # type: ignore[arg-type]
    assert writer.stop(30)
    assert done == [0, 1, 2, 3, 4]


@pytest.fixture
def project(tmp_path: Path, codebook_file: Path) -> Path:
    path = tmp_path / "lås.kodebog"
    store = init_project(path, codebook_file)
    import_parsed(store, make_parsed())
    store.dispose()
    return path


def test_a_held_sqlite_lock_becomes_a_busy_error(project: Path) -> None:
    from kodebog.store import open_project

    store = open_project(project)
    store.write_wait_ms = 50
    store.busy_patience = 0
    blocker = sqlite3.connect(project, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError, match="the project is busy: another program "
                                                    "is writing to"):
            coding.apply_code(store, "anna", 1, "contact_center")
    finally:
        blocker.rollback()
        blocker.close()
    assert coding.apply_code(store, "anna", 1, "contact_center").event_id
    store.dispose()


def test_a_server_that_does_not_answer_is_one_line_without_the_password() -> None:
    store = Store(make_url("postgresql+psycopg://kodebog:hemmelig@127.0.0.1:9/x"
                           "?connect_timeout=2"))
    with pytest.raises(ProjectError) as raised, store.write() as session:
        session.execute(make_select())
    assert isinstance(raised.value, DatabaseUnavailableError)
    message = str(raised.value)
    assert "hemmelig" not in message and "\n" not in message
    assert message.startswith("the database server did not answer")
    store.dispose()


def make_select() -> Any:
    from sqlalchemy import text

    return text("SELECT 1")
