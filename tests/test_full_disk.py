"""A full disk during import and during tagging: one line, and the project as it was.

The full disk is SQLite's own: ``PRAGMA max_page_count`` on every connection kodebog opens
lets the file grow by only a few pages, and the next growth fails with SQLITE_FULL
("database or disk is full"), the error SQLite also gives when the file system answers
ENOSPC. (A tiny tmpfs would need mount rights the test suite does not have.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kodebog.cli import main
from kodebog.store import connect

from .conftest import SMALL_CODEBOOK


def _state(path: Path) -> tuple[Any, ...]:
    with sqlite3.connect(path) as db:
        counts = tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                       for table in ("source", "unit", "coding", "unit_memo", "event"))
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    return (*counts, check)


def _page_count(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(db.execute("PRAGMA page_count").fetchone()[0])
    finally:
        db.close()


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Every connection opened from now on may let the file grow to ``pages`` pages."""
    real = connect._pragmas

    def limited(read_only: bool) -> Callable[[Any, Any], None]:
        apply = real(read_only)

        def with_limit(dbapi_connection: Any, record: Any) -> None:
            apply(dbapi_connection, record)
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        return with_limit

    monkeypatch.setattr(connect, "_pragmas", limited)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    path = tmp_path / "p.kodebog"
    assert main(["init", str(path), "--codebook", str(codebook)]) == 0
    source = tmp_path / "samtale.txt"
    source.write_text("\n\n".join(f"Borger {i % 3}: Udsagn nummer {i} om telefontid."
                                  for i in range(60)), encoding="utf-8")
    assert main(["import", str(path), str(source)]) == 0
    capsys.readouterr()
    return path


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_a_full_disk_during_import_is_one_line_and_imports_nothing(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "stor.txt"
    big.write_text("\n\n".join(f"Borger {i % 7}: Et langt udsagn {i} " + "om breve " * 40
                               for i in range(2000)), encoding="utf-8")
    before, files = _state(project), sorted(p.name for p in tmp_path.iterdir())
    _disk_full_after(monkeypatch, _page_count(project) + 4)
    assert main(["import", str(project), str(big)]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line == (f"kodebog: {project}: the disk is full; nothing was saved. Free some "
                    "space and try again")
    assert _state(project) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    monkeypatch.undo()  # space again: the same import now works
    assert main(["import", str(project), str(big)]) == 0


def test_a_full_disk_during_tagging_is_one_line_and_leaves_the_codings(
        project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _disk_full_after(monkeypatch, _page_count(project) + 1)
    code, tagged = 0, 0
    while code == 0 and tagged < 60:
        before = _state(project)
        code = main(["tag", str(project), "samtale", str(tagged + 1), "contact_center",
                     "--coder", "anna", "--memo", "en længere note " * 20])
        tagged += code == 0
    assert code == 1, "the file never filled up"
    line = _one_line(capsys.readouterr().err.splitlines(keepends=True)[-1])
    assert line.endswith("the disk is full; nothing was saved. Free some space and try again")
    assert _state(project) == before  # the failed coding left no coding and no event
    monkeypatch.undo()
    assert main(["tag", str(project), "samtale", str(tagged + 1), "contact_center",
                 "--coder", "anna"]) == 0
