"""Moving and backing up projects: lossless copy between backends, content hash, backup."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store import Store, open_project
from kodebog.store.engine import discard_created, is_url
from kodebog.store.fulltext import index_units
from kodebog.store.models import Base
from kodebog.tempfiles import publish, temp_beside

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
    hash of both sides must agree, else the copy is removed and an error raised. A SQLite
    copy is written under a temporary name and renamed at the end, so a killed copy leaves
    no file that looks like a project (and the next run removes the temporary file).
    """
    if is_url(str(target)):
        return _copy(source, target, progress)
    final = _new_target(Path(target))
    temporary = temp_beside(final)
    result = _copy(source, temporary, progress)
    _publish(temporary, final)
    return CopyResult(str(final), result.counts, result.sha256)


def _new_target(target: Path) -> Path:
    """A SQLite target path that is free; refuse anything else (one line)."""
    if os.path.lexists(target):
        if target.is_symlink() or not target.is_file():
            raise ProjectError(_("{path}: is not a regular file; give the path of a new "
                                 "file").format(path=target))
        raise ProjectError(_("{path}: already exists; choose a new file").format(path=target))
    if not target.parent.is_dir():
        raise ProjectError(_("{path}: folder {folder} does not exist").format(
            path=target, folder=target.parent))
    return target


def _publish(temporary: Path, final: Path) -> None:
    try:
        publish(temporary, final)
    except FileExistsError:
        _remove_temporary(temporary)
        raise ProjectError(_("{path}: appeared while copying; the copy was not kept").format(
            path=final)) from None
    except OSError as error:
        _remove_temporary(temporary)
        raise ProjectError(_("{path}: cannot write ({reason})").format(
            path=final, reason=error.strerror or error)) from None


def _remove_temporary(temporary: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def _copy(source: str | Path, target: str | Path, progress: Progress | None) -> CopyResult:
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
                _("the copy at {target} differs from the original (content hash mismatch); it "
                  "was not kept").format(target=destination.display_name)
            )
    except BaseException:
        destination.dispose()
        discard_created(destination)
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


def _sqlite_backup(store: Store, temporary: Path) -> None:
    """SQLite's online backup of ``store`` into the new file ``temporary`` (mode 0600)."""
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    raw = store.write_engine.raw_connection()
    try:
        sqlite_source = raw.driver_connection
        assert isinstance(sqlite_source, sqlite3.Connection)
        with sqlite3.connect(temporary) as copy:
            sqlite_source.backup(copy)
        copy.close()
    except sqlite3.Error as error:
        raise ProjectError(_("{path}: the backup failed ({reason})").format(
            path=temporary, reason=error)) from None

    finally:
        raw.close()


def backup_project(project: str | Path, destination: str | Path) -> CopyResult:
    """A consistent copy while coders work.

    SQLite uses the online backup API (a snapshot even with writers active); PostgreSQL is
    copied logically, row by row in one repeatable-read snapshot, into a new project at
    ``destination`` (a SQLite file or another database URL).
    """
    store = open_project(project)
    try:
        if store.is_sqlite and not is_url(str(destination)):
            target = _new_target(Path(destination))
            temporary = temp_beside(target)
            try:
                _sqlite_backup(store, temporary)
                backup = open_project(temporary)
                digest, counts = content_hash(backup)
                backup.dispose()
            except BaseException:
                _remove_temporary(temporary)
                raise
            _publish(temporary, target)
            return CopyResult(str(target), counts, digest)
    finally:
        store.dispose()
    return copy_project(project, destination)
