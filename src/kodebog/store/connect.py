"""SQLAlchemy engines for a project: SQLite pragmas, the write lock and its note, read-only.

A SQLite write engine begins with ``BEGIN IMMEDIATE`` (the write lock at once) and notes
who holds the lock (``store.busy``); a read engine begins with a deferred ``BEGIN``, so in
WAL mode it never waits for a writer. A read-only project (a file or folder without write
permission, or a read-only mount) is opened with SQLite's ``mode=ro`` (``immutable=1`` when no
WAL holds unsaved changes), so nothing is written next to it, not even SQLite's -shm file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

from kodebog.store import busy

#: How long one attempt at a SQLite write lock waits for another program (ms).
WRITE_WAIT_MS = 1000


def is_read_only(path: Path) -> bool:
    """Whether the project file (or its folder) may not be written.

    Write permission (``os.access``) and the mode bits both count: a file marked 0444 is
    read-only to kodebog even for root, who could write it anyway.
    """
    try:
        file_mode, folder_mode = path.stat().st_mode, path.parent.stat().st_mode
    except OSError:
        return False
    return (not os.access(path, os.W_OK) or not file_mode & 0o222
            or not os.access(path.parent, os.W_OK) or not folder_mode & 0o222)


def _read_only_connector(path: Path) -> Callable[[], sqlite3.Connection]:
    wal = Path(f"{path}-wal")
    # read the file as it is (immutable: no -wal or -shm file is made next to it), unless
    # a WAL holds changes not yet in the file: then SQLite must read them (mode=ro)
    immutable = not (wal.exists() and wal.stat().st_size > 0)
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def _pragmas(read_only: bool) -> Callable[[Any, Any], None]:
    def apply(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return apply


def make_engine(url: URL, *, immediate: bool, read_only: bool = False,
                wait_ms: Callable[[], int] | None = None) -> Engine:
    """An engine for ``url``; on SQLite ``immediate`` takes the write lock at BEGIN."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = Path(str(url.database))
    if read_only:
        engine = create_engine(url, creator=_read_only_connector(path))
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas(read_only))
    noted = immediate and not read_only

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if wait_ms is not None:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms())}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if noted else "BEGIN")
        if noted:
            busy.write_note(path)
            conn.info["kodebog_noted"] = True

    if noted:
        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _end(conn: Any) -> None:
            if conn.info.pop("kodebog_noted", False):  # only the note this connection wrote
                busy.remove_note(path)

    return engine
