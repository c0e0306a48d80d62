"""Moving and backing up projects: lossless copy between backends, content hash, backup."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from kodebog.errors import ProjectError
from kodebog.store import Store, open_project
from kodebog.store.engine import is_url
from kodebog.store.fulltext import index_units
from kodebog.store.models import Base

_BATCH = 5000
Progress = Callable[[str, int], None]


def _tables() -> list[Table]:
    """The project's tables, parents before children."""
    return list(Base.metadata.sorted_tables)


def _normal(value: Any) -> Any:
    """A value in a backend-independent form for hashing."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    return value


def content_hash(store: Store) -> tuple[str, dict[str, int]]:
    """A SHA-256 over every row of every table (in primary-key order) and the row counts."""
    with store.read() as session:
        return session_hash(session)


def session_hash(session: Any) -> tuple[str, dict[str, int]]:
    """``content_hash`` inside an open session (and so inside its snapshot)."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    for table in _tables():
        digest.update(f"\x00table {table.name}\x00".encode())
        count = 0
        keys = list(table.primary_key.columns)
        for row in session.execute(select(table).order_by(*keys)):
            data = [_normal(v) for v in row]
            digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                     default=str).encode())
            count += 1
        counts[table.name] = count
    return digest.hexdigest(), counts


@dataclass
class CopyResult:
    """What a copy wrote, and the hash both sides share."""

    target: str
    counts: dict[str, int]
    sha256: str


def copy_project(source: str | Path, target: str | Path,
                 progress: Progress | None = None) -> CopyResult:
    """Copy every row of a project into a new project (SQLite file or database URL).

    The target must not hold a project yet. The copy is verified: row counts and the content
    hash of both sides must agree, else the copy is removed (SQLite) and an error raised.
    """
    origin = open_project(source)
    try:
        destination = open_project(target, create=True)
    except BaseException:
        origin.dispose()
        raise
    try:
        with origin.read() as reader, destination.write() as writer:
            if not origin.is_sqlite:
                reader.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            for table in _tables():
                keys = list(table.primary_key.columns)
                rows = reader.execute(select(table).order_by(*keys)).mappings()
                done = 0
                while batch := [dict(r) for r in rows.fetchmany(_BATCH)]:
                    writer.execute(insert(table), batch)
                    done += len(batch)
                    if progress:
                        progress(table.name, done)
            if destination.is_sqlite:
                index_units(writer)
            else:
                _reset_sequences(writer)
            source_hash, source_counts = session_hash(reader)
        target_hash, target_counts = content_hash(destination)
        if source_hash != target_hash or source_counts != target_counts:
            raise ProjectError(
                f"the copy at {destination.display_name} differs from the original "
                "(content hash mismatch); it was not kept"
            )
    except BaseException:
        destination.dispose()
        _discard(target, destination)
        raise
    finally:
        origin.dispose()
    destination.dispose()
    return CopyResult(destination.display_name, target_counts, target_hash)


def _reset_sequences(session: Any) -> None:
    """After explicit ids, move PostgreSQL's id sequences past the highest id."""
    for table in _tables():
        if "id" in table.c and table.c.id.autoincrement is not False and \
                str(table.c.id.type).upper().startswith("INTEGER"):
            top = session.scalar(select(func.max(table.c.id)))
            if top is not None:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :top)"),
                    {"top": top})


def _discard(target: str | Path, store: Store) -> None:
    """Remove a failed copy when it is a file we created."""
    if store.is_sqlite and not is_url(str(target)):
        from kodebog.store.engine import remove_sqlite_files

        remove_sqlite_files(Path(str(store.url.database)))


def backup_project(project: str | Path, destination: str | Path) -> CopyResult:
    """A consistent copy while coders work.

    SQLite uses the online backup API (a snapshot even with writers active); PostgreSQL is
    copied logically, row by row in one repeatable-read snapshot, into a new project at
    ``destination`` (a SQLite file or another database URL).
    """
    store = open_project(project)
    try:
        if store.is_sqlite and not is_url(str(destination)):
            target = Path(destination)
            if target.exists():
                raise ProjectError(f"{target}: already exists; choose a new backup file")
            raw = store.write_engine.raw_connection()
            try:
                sqlite_source = raw.driver_connection
                assert isinstance(sqlite_source, sqlite3.Connection)
                with sqlite3.connect(target) as copy:
                    sqlite_source.backup(copy)
                copy.close()
                target.chmod(0o600)
            finally:
                raw.close()
            backup = open_project(target)
            digest, counts = content_hash(backup)
            backup.dispose()
            return CopyResult(str(target), counts, digest)
    finally:
        store.dispose()
    return copy_project(project, destination)
