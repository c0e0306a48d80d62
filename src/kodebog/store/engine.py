"""Opening a project: engine setup for SQLite and PostgreSQL, migrations on open."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kodebog.errors import (
    ConflictError,
    DatabaseBusyError,
    DatabaseUnavailableError,
    ProjectError,
)
from kodebog.store import secrets

#: The newest migration; a test checks it equals Alembic's head.
SCHEMA_HEAD = "0010"


def is_url(project: str) -> bool:
    """Whether ``project`` is a SQLAlchemy URL rather than a file path."""
    return "://" in project


def safe_url(url: str | URL) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def project_url(project: str | Path) -> URL:
    """The database URL of a project given as a file path or a URL."""
    project = str(project)
    if is_url(project):
        try:
            url = make_url(project)
        except ArgumentError:
            raise ProjectError(f"{safe_url(project)}: not a valid database URL") from None
        secrets.remember(url.password)  # masked in every crash report from now on
        _check_supported(url)
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(project).expanduser().resolve()))


#: How long a SQLite writer waits for another program's write lock before giving up (ms).
WRITE_WAIT_MS = 10_000


class RefusedChangeError(ProjectError, ConflictError):
    """The database refused a write (a constraint, a trigger): often a concurrent change."""


def driver_error(error: DBAPIError, project: str) -> ProjectError:
    """A database driver's error as one line a user can act on (never with a password).

    A held lock becomes ``DatabaseBusyError`` (trying again can succeed), a lost or refused
    connection ``DatabaseUnavailableError``; anything else names the project and the
    driver's first line.
    """
    first = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = first[0] if first else type(error).__name__
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return DatabaseBusyError(
            f"the project is busy: another program is writing to {project}")
    if "disk is full" in lowered or "no space" in lowered:
        return ProjectError(f"{project}: the disk is full; free some space and try again")
    if isinstance(error, IntegrityError):
        return RefusedChangeError(f"{project} refused the change ({detail}); someone else "
                                  "may have changed the same thing: reload and try again")
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return DatabaseUnavailableError(
            f"the database server did not answer ({detail}); check the connection to "
            f"{project}")
    return ProjectError(f"{project}: the database refused the change ({detail})")


_DRIVERS = {"postgresql": ("psycopg", "psycopg2"), "sqlite": ("pysqlite",)}


def _check_supported(url: URL) -> None:
    """Refuse, in one line, a URL kodebog cannot use (other databases, drivers, memory)."""
    shown = safe_url(url)
    backend, _, driver = url.drivername.partition("+")  # no dialect is loaded to ask
    if backend == "postgres":
        raise ProjectError(f"{shown}: write postgresql+psycopg:// instead of postgres://")
    if backend not in _DRIVERS:
        raise ProjectError(f"{shown}: kodebog works with SQLite files and PostgreSQL "
                           f"(postgresql+psycopg://...), not {backend}")
    if "+" in url.drivername and driver not in _DRIVERS[backend]:
        raise ProjectError(f"{shown}: the driver {driver!r} is not supported; use "
                           f"{backend}+{_DRIVERS[backend][0]}://")
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise ProjectError(f"{shown}: an in-memory database cannot hold a project; give a "
                           "file path")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _make_engine(url: URL, *, immediate: bool,
                 wait_ms: Callable[[], int] | None = None) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            if wait_ms is not None:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms())}")
            conn.exec_driver_sql(begin_sql)

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """An open project database: engines and sessions.

    ``write()`` gives a session in one transaction that takes the write lock at once
    (SQLite ``BEGIN IMMEDIATE``), so two writers wait for each other instead of failing.
    ``read()`` gives a session for queries.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.is_sqlite = url.get_backend_name() == "sqlite"
        #: How long a write waits for another program's lock (SQLite) before it fails with
        #: ``DatabaseBusyError``; the TUI shortens it and retries with a visible message.
        self.write_wait_ms = WRITE_WAIT_MS
        self.write_engine = _make_engine(url, immediate=True,
                                         wait_ms=lambda: self.write_wait_ms)
        self.read_engine = (
            _make_engine(url, immediate=False) if self.is_sqlite else self.write_engine
        )
        self.upgraded_from: str | None = None
        #: Called by ``dispose`` (engines that others keep beside this store's).
        self.on_dispose: list[Callable[[], None]] = []
        self.backup_path: Path | None = None
        self.created_files: tuple[Path, ...] = ()  # made by open_project(create=True)
        self._write_sessions = sessionmaker(self.write_engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def display_name(self) -> str:
        """The project as shown to users (path, or URL without password)."""
        if self.is_sqlite:
            return str(self.url.database)
        return safe_url(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error.

        Driver errors (a held lock, a lost server, a full disk) come out as one-line
        ``KodebogError``s (see ``driver_error``), never as driver exceptions.
        """
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except DBAPIError as error:
            raise driver_error(error, self.display_name) from error

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed.

        Closing it ends the transaction without expiring the loaded objects, so they stay
        readable after the block.
        """
        with self._read_sessions() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        for close in self.on_dispose:
            close()
        self.on_dispose.clear()
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def upgrade(store: Store) -> None:
    """Bring the schema to the newest revision with the shipped Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with store.write_engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def known_revisions() -> set[str]:
    """The revision ids of the shipped migrations (files are named ``NNNN_*.py``)."""
    folder = Path(__file__).parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py")}


def _backup_before_upgrade(store: Store, revision: str) -> Path:
    """Copy an older SQLite project next to itself before its schema is upgraded."""
    import sqlite3
    from datetime import UTC, datetime

    path = Path(str(store.url.database))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.backup-schema-{revision}-{stamp}")
    raw = store.write_engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
        target.chmod(0o600)
    finally:
        raw.close()
    return target


def open_project(project: str | Path, *, create: bool = False) -> Store:
    """Open (or with ``create``, make) a project and migrate it to the newest schema.

    Raises ProjectError when the project does not exist (and ``create`` is false), when
    ``create`` is set and it already holds a project, or when the database is unreachable.
    """
    url = project_url(project)
    name = str(project) if not is_url(str(project)) else safe_url(url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        if not create and not path.exists():
            raise ProjectError(
                f"{name}: no such project; create one with `kodebog init {name} --codebook FILE`"
            )
        created = _new_sqlite_file(path, name) if create else ()
    else:
        created = ()
    store = Store(url)
    store.created_files = created
    try:
        revision = _current_revision(store.write_engine)
        if revision is None and _has_tables(store.write_engine):
            raise ProjectError(f"{name}: this database is not a kodebog project")
        if revision is None and not create:
            raise ProjectError(f"{name}: no kodebog project here; create one with `kodebog init`")
        if revision is not None and create:
            raise ProjectError(f"{name}: already holds a kodebog project")
        if revision is not None and revision not in known_revisions():
            raise ProjectError(
                f"{name}: made by a newer kodebog (schema {revision}); upgrade kodebog to open it"
            )
        if revision != SCHEMA_HEAD:
            if revision is not None and store.is_sqlite:
                store.backup_path = _backup_before_upgrade(store, revision)
            store.upgraded_from = revision
            upgrade(store)
    except DBAPIError as error:
        store.dispose()
        discard_created(store)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ProjectError(f"{name}: cannot open the database ({reason})") from None
    except BaseException:
        store.dispose()
        discard_created(store)
        raise
    return store


_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _new_sqlite_file(path: Path, name: str) -> tuple[Path, ...]:
    """Create an empty project file; return the files this run may remove on failure.

    Only a missing path is used: an existing file (even empty), a device, a FIFO, a folder
    or a symbolic link is refused, so a failed ``init``/``copy``/``backup`` never deletes
    anything it did not make.
    """
    if os.path.lexists(path):
        if path.is_symlink() or not path.is_file():
            raise ProjectError(f"{name}: is not a regular file; give the path of a new file")
        raise ProjectError(f"{name}: a file already exists there; choose another path")
    if not path.parent.is_dir():
        raise ProjectError(f"{name}: folder {path.parent} does not exist")
    fresh = tuple(Path(f"{path}{s}") for s in _SQLITE_SUFFIXES if not os.path.lexists(f"{path}{s}"))
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        raise ProjectError(f"{name}: a file already exists there; choose another path") from None
    except OSError as error:
        raise ProjectError(f"{name}: cannot create the file ({error.strerror or error})") from None
    os.close(fd)
    return fresh


def discard_created(store: Store) -> None:
    """Remove the files ``open_project(create=True)`` made for this store, and nothing else."""
    for path in store.created_files:
        if not path.is_symlink() and path.is_file():
            path.unlink(missing_ok=True)


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite project file and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
