"""Readers are not blocked by writers; a waiting writer says who writes and counts down;
a read-only project opens and exports, and refuses writes in one line (issue 13.7)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog import coding
from kodebog.cli import main
from kodebog.errors import DatabaseBusyError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.store import engine, open_project
from kodebog.store.busy import Countdown
from kodebog.tui.writer import WriteJob, WriteQueue, WriteWaiting, Written

from .conftest import ROOT, make_parsed

#: A stand-in for ``kodebog import`` that holds the write lock until its stdin closes.
HOLDER = """
import sys
sys.argv = ["kodebog", "import", sys.argv[1]]
from kodebog.store import open_project
from kodebog.store.models import Source
store = open_project(sys.argv[2])
with store.write() as session:
    session.query(Source).update({Source.name: Source.name})  # the write lock is held
    print("holding", flush=True)
    sys.stdin.read()
store.dispose()
"""


class _Terminal(io.StringIO):
    """stderr on a terminal: the countdown rewrites its line."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path: Path, codebook_file: Path) -> Path:
    path = tmp_path / "travl.kodebog"
    store = init_project(path, codebook_file)
    import_parsed(store, make_parsed())
    store.dispose()
    return path


@pytest.fixture
def held(project: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process (a kodebog import) in the middle of a long write transaction."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(project), str(project)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env=env)
    assert process.stdout is not None and process.stdout.readline() == "holding\n"
    yield process
    if process.poll() is None:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(30)


def test_stats_export_and_open_do_not_wait_for_a_long_import(
        project: Path, held: subprocess.Popen[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert main(["stats", str(project)]) == 0
    assert main(["export", str(project), "--format", "json",
                 "--output", str(tmp_path / "fund.json")]) == 0
    store = open_project(project)
    store.dispose()
    assert time.monotonic() - started < 5  # one lock wait alone would be 1 s, ten before
    assert "database is locked" not in capsys.readouterr().err
    assert (tmp_path / "fund.json").stat().st_size > 0


def test_a_waiting_writer_names_the_holder_and_counts_down(
        project: Path, held: subprocess.Popen[str]) -> None:
    store = open_project(project)
    store.busy_patience = 2.5
    terminal = _Terminal()
    store.countdown = Countdown(terminal)
    with pytest.raises(DatabaseBusyError) as raised:
        coding.apply_code(store, "anna", 1, "contact_center")
    store.dispose()
    message = str(raised.value)
    assert message.startswith(f"the project is busy: kodebog import (pid {held.pid}, user ")
    assert message.endswith(f"is writing to {project}")
    lines = terminal.getvalue().split("\r\x1b[K")
    assert sum("s more" in line for line in lines) >= 2  # the same line, rewritten
    assert all(len(line) < 80 for line in lines)  # cut to the terminal (80 when unknown)
    assert lines[-1] == ""  # cleared when the wait ended
    assert "\n" not in terminal.getvalue()


def test_a_waiting_writer_writes_once_the_holder_has_finished(
        project: Path, held: subprocess.Popen[str]) -> None:
    store = open_project(project)
    store.countdown = Countdown(io.StringIO())
    assert held.stdin is not None
    threading.Timer(1.5, held.stdin.close).start()
    change = coding.apply_code(store, "anna", 1, "contact_center")
    store.dispose()
    assert change.event_id


def test_the_cli_counts_down_on_one_line_then_says_who_writes(
        project: Path, held: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(engine, "BUSY_PATIENCE", 2.0)
    code = main(["tag", str(project), "fg1", "1", "contact_center", "--coder", "anna"])
    err = capsys.readouterr().err
    assert code == 1
    first, last = err.strip().splitlines()  # not a terminal: the wait said once, the end
    assert first.startswith("kodebog: trying again for ") and " s more: " in first
    assert last.startswith("kodebog: the project is busy: kodebog import (pid ")


def test_the_write_worker_tells_the_screen_the_seconds_left() -> None:
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds + 1.0  # each attempt waits a second for the lock

    writer = WriteQueue(sleep=sleep, clock=lambda: clock[0])
    attempts = iter([DatabaseBusyError("the project is busy: x")] * 12 + [None])
    messages: list[object] = []

    class Screen:
        def post_message(self, message: object) -> bool:
            messages.append(message)
            return True

    def run() -> str:
        error = next(attempts)
        if error is not None:
            raise error
        return "stored"

    writer.submit(WriteJob("the coding", run, Screen()))  # type: ignore[arg-type]
    assert writer.wait_idle(30)
    waiting = [m for m in messages if isinstance(m, WriteWaiting)]
    assert isinstance(messages[-1], Written)
    assert len(waiting) >= 3
    lefts = [m.seconds_left for m in waiting]
    assert lefts == sorted(lefts, reverse=True) and lefts[0] == 120
    assert all(m.reason.endswith(f"{round(m.seconds_left)} s left") for m in waiting)


@pytest.mark.parametrize("lock", ["file", "folder"])
def test_a_read_only_project_opens_and_exports_and_refuses_writes_in_one_line(
        project: Path, tmp_path: Path, lock: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    target = project if lock == "file" else project.parent
    mode = target.stat().st_mode
    before = sorted(p.name for p in project.parent.iterdir())
    content = project.read_bytes()
    out = tmp_path.parent / f"{tmp_path.name}-export.json"
    target.chmod(stat.S_IMODE(mode) & ~0o222)
    try:
        assert main(["stats", str(project)]) == 0
        assert main(["export", str(project), "--format", "json", "--output", str(out)]) == 0
        assert out.stat().st_size > 0
        capsys.readouterr()
        assert main(["tag", str(project), "fg1", "1", "contact_center", "--coder", "a"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is read-only; nothing was changed" in err
        store = open_project(project)
        assert store.read_only
        store.dispose()
    finally:
        target.chmod(mode)
        out.unlink(missing_ok=True)
    assert project.read_bytes() == content
    assert sorted(p.name for p in project.parent.iterdir()) == before


@pytest.mark.usefixtures("danish")
def test_a_busy_project_is_said_in_danish(project: Path,
                                           held: subprocess.Popen[str]) -> None:
    store = open_project(project)
    store.busy_patience = 0
    with pytest.raises(DatabaseBusyError) as raised:
        coding.apply_code(store, "anna", 1, "contact_center")
    store.dispose()
    assert str(raised.value).startswith(
        f"projektet er optaget: kodebog import (pid {held.pid}, bruger ")
    assert str(raised.value).endswith(f"skriver til {project}")
    assert ", startet for " in str(raised.value) and " s siden)" in str(raised.value)
