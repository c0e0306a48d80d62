"""Opening a project: engine setup for SQLite and PostgreSQL, migrations on open."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kodebog.errors import (
    ConflictError,
    DatabaseBusyError,
    DatabaseUnavailableError,
    ProjectError,
)
from kodebog.i18n import N_, _, translate
from kodebog.store import busy, secrets
from kodebog.store.connect import WRITE_WAIT_MS, is_read_only, make_engine

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
            raise ProjectError(_("{url}: not a valid database URL").format(
                url=safe_url(project))) from None
        secrets.remember(url.password)  # masked in every crash report from now on
        _check_supported(url)
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(project).expanduser().resolve()))


#: How long a write keeps trying while another program holds the write lock (seconds),
#: counting down on stderr; the TUI sets 0 and retries in its write worker instead.
BUSY_PATIENCE = 60.0


class RefusedChangeError(ProjectError, ConflictError):
    """The database refused a write (a constraint, a trigger): often a concurrent change."""


def driver_error(error: DBAPIError, project: str, holder: str | None = None) -> ProjectError:
    """A database driver's error as one line a user can act on (never with a password).

    A held lock becomes ``DatabaseBusyError`` (trying again can succeed), a lost or refused
    connection ``DatabaseUnavailableError``; anything else names the project and the
    driver's first line.
    """
    first = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = first[0] if first else type(error).__name__
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return DatabaseBusyError(busy_message(project, holder or _("another program")))
    if "disk is full" in lowered or "no space" in lowered:
        return ProjectError(_("{project}: the disk is full; nothing was saved. Free some space "
                              "and try again").format(project=project))
    if "readonly" in lowered or "read-only" in lowered:
        return ReadOnlyProjectError(read_only_message(project))
    if isinstance(error, IntegrityError):
        return RefusedChangeError(_("{project} refused the change ({detail}); someone else "
                                    "may have changed the same thing: reload and try again"
                                    ).format(project=project, detail=detail))
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return DatabaseUnavailableError(_(
            "the database server did not answer ({detail}); check the connection to "
            "{project}").format(detail=detail, project=project))
    return ProjectError(_("{project}: the database refused the change ({detail})").format(
        project=project, detail=detail))


def busy_message(project: str, holder: str) -> str:
    """The project is busy, naming who holds the lock."""
    return _("the project is busy: {holder} is writing to {project}").format(
        holder=holder, project=project)


def read_only_message(project: str) -> str:
    """A write to a read-only project, in one line."""
    return _("{project} is read-only; nothing was changed. To work on it, copy it to a "
             "folder you can write to (kodebog copy)").format(project=project)


class ReadOnlyProjectError(ProjectError):
    """A write was asked of a project opened read-only."""


class _StillBusy(Exception):
    """The write lock is held and there is time left to wait (internal to ``Store.write``)."""


_DRIVERS = {"postgresql": ("psycopg", "psycopg2"), "sqlite": ("pysqlite",)}


def _check_supported(url: URL) -> None:
    """Refuse, in one line, a URL kodebog cannot use (other databases, drivers, memory)."""
    shown = safe_url(url)
    backend, _plus, driver = url.drivername.partition("+")  # no dialect is loaded to ask
    if backend == "postgres":
        raise ProjectError(_("{url}: write postgresql+psycopg:// instead of postgres://")
                           .format(url=shown))
    if backend not in _DRIVERS:
        raise ProjectError(_("{url}: kodebog works with SQLite files and PostgreSQL "
                             "(postgresql+psycopg://...), not {backend}").format(
                                 url=shown, backend=backend))
    if "+" in url.drivername and driver not in _DRIVERS[backend]:
        raise ProjectError(_("{url}: the driver {driver} is not supported; use "
                             "{scheme}://").format(url=shown, driver=repr(driver),
                                                   scheme=f"{backend}+{_DRIVERS[backend][0]}"))
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise ProjectError(_("{url}: an in-memory database cannot hold a project; give a "
                             "file path").format(url=shown))


class Store:
    """An open project database: engines and sessions.

    ``write()`` gives a session in one transaction that takes the write lock at once
    (SQLite ``BEGIN IMMEDIATE``), so two writers wait for each other instead of failing;
    while another program holds the lock it says who, counting down (``countdown``), for up
    to ``busy_patience`` seconds. ``read()`` gives a session for queries that never waits
    for a writer. A ``read_only`` store refuses every write in one line.
    """

    def __init__(self, url: URL, *, read_only: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.get_backend_name() == "sqlite"
        self.read_only = read_only
        #: How long one attempt at the write lock waits (SQLite, ms).
        self.write_wait_ms = WRITE_WAIT_MS
        #: How long a write keeps trying while the project is busy (s); 0: one attempt.
        self.busy_patience = BUSY_PATIENCE
        #: Shows the wait (the CLI's updating stderr line); None: wait in silence.
        self.countdown: busy.Countdown | None = busy.Countdown()
        self.read_engine = make_engine(url, immediate=False, read_only=read_only)
        self.write_engine = self.read_engine if read_only or not self.is_sqlite else \
            make_engine(url, immediate=True, wait_ms=lambda: self.write_wait_ms)
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

    def lock_holder(self) -> str:
        """Who holds the write lock, in words (SQLite; "another program" when unknown)."""
        if self.is_sqlite:
            return busy.holder(Path(str(self.url.database)))
        return _("another program")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error.

        Driver errors (a held lock, a lost server, a full disk) come out as one-line
        ``KodebogError``s (see ``driver_error``), never as driver exceptions.
        """
        if self.read_only:
            raise ReadOnlyProjectError(read_only_message(self.display_name))
        deadline = time.monotonic() + self.busy_patience
        try:
            while True:
                try:
                    with self._write_sessions() as session, session.begin():
                        if self.is_sqlite:
                            self._take_lock(session, deadline)
                        yield session
                    return
                except _StillBusy:
                    if self.countdown is not None:
                        self.countdown(busy_message(self.display_name, self.lock_holder()),
                                       deadline - time.monotonic())
                except DBAPIError as error:
                    holder = self.lock_holder() if self.is_sqlite else None
                    raise driver_error(error, self.display_name, holder) from error
        finally:
            if self.countdown is not None:
                self.countdown.done()

    @staticmethod
    def _take_lock(session: Session, deadline: float) -> None:
        """Begin the transaction now (``BEGIN IMMEDIATE``); a held lock with time left is
        ``_StillBusy``, so ``write`` can say who holds it and try again."""
        try:
            session.connection()
        except OperationalError as error:
            if "locked" in str(error.orig).lower() and time.monotonic() < deadline:
                raise _StillBusy from None
            raise

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
    read_only = False
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        if not create and not path.exists():
            raise ProjectError(_("{name}: no such project; create one with `kodebog init "
                                 "{name} --codebook FILE`").format(name=name))
        created = _new_sqlite_file(path, name) if create else ()
        read_only = not create and is_read_only(path)
    else:
        created = ()
    store = Store(url, read_only=read_only)
    store.created_files = created
    try:
        # through the read engine: a long import holding the write lock does not stop
        # anyone from opening the project to read it
        revision = _current_revision(store.read_engine)
        if revision is None and _has_tables(store.read_engine):
            raise ProjectError(_("{name}: this database is not a kodebog project").format(
                name=name))
        if revision is None and not create:
            raise ProjectError(_("{name}: no kodebog project here; create one with "
                                 "`kodebog init`").format(name=name))
        if revision is not None and create:
            raise ProjectError(_("{name}: already holds a kodebog project").format(name=name))
        if revision is not None and revision not in known_revisions():
            raise ProjectError(_("{name}: made by a newer kodebog (schema {revision}); upgrade "
                                 "kodebog to open it").format(name=name, revision=revision))
        if revision != SCHEMA_HEAD and read_only:
            raise ReadOnlyProjectError(_(
                "{name} is read-only and was made by an older kodebog (schema {revision}); "
                "copy it to a folder you can write to and open the copy").format(
                    name=name, revision=revision))
        if revision != SCHEMA_HEAD:
            if revision is not None and store.is_sqlite:
                store.backup_path = _backup_before_upgrade(store, revision)
            store.upgraded_from = revision
            upgrade(store)
    except DBAPIError as error:
        store.dispose()
        discard_created(store)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ProjectError(_("{name}: cannot open the database ({reason})").format(
            name=name, reason=reason)) from None
    except BaseException:
        store.dispose()
        discard_created(store)
        raise
    return store


_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal", busy.SUFFIX)
_EXISTS = N_("{name}: a file already exists there; choose another path")


def _new_sqlite_file(path: Path, name: str) -> tuple[Path, ...]:
    """Create an empty project file; return the files this run may remove on failure.

    Only a missing path is used: an existing file (even empty), a device, a FIFO, a folder
    or a symbolic link is refused, so a failed ``init``/``copy``/``backup`` never deletes
    anything it did not make.
    """
    if os.path.lexists(path):
        if path.is_symlink() or not path.is_file():
            raise ProjectError(_("{name}: is not a regular file; give the path of a new "
                                 "file").format(name=name))
        raise ProjectError(translate(_EXISTS).format(name=name))
    if not path.parent.is_dir():
        raise ProjectError(_("{name}: folder {folder} does not exist").format(
            name=name, folder=path.parent))
    fresh = tuple(Path(f"{path}{s}") for s in _SQLITE_SUFFIXES if not os.path.lexists(f"{path}{s}"))
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        raise ProjectError(translate(_EXISTS).format(name=name)) from None
    except OSError as error:
        raise ProjectError(_("{name}: cannot create the file ({reason})").format(
            name=name, reason=error.strerror or error)) from None
    os.close(fd)
    return fresh


def discard_created(store: Store) -> None:
    """Remove the files ``open_project(create=True)`` made for this store, and nothing else."""
    for path in store.created_files:
        if not path.is_symlink() and path.is_file():
            path.unlink(missing_ok=True)


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite project file and its WAL and shared-memory files."""
    for suffix in _SQLITE_SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
