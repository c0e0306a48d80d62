"""The PostgreSQL fast path: one statement per coding, same rows and events as the ORM path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from kodebog import coding, coding_pg
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.models import Coding, Event

from .conftest import make_parsed

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_store(pg_url: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(pg_url, codebook_file)
    import_parsed(store, make_parsed())
    coding.apply_code(store, "anna", 1, "contact_center")  # the coder exists from now on
    yield store
    store.dispose()


def statements_during(action: Any) -> list[str]:
    """The SQL statements any engine sent while ``action`` ran."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement.split()[0])

    event.listen(Engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return sent


def test_a_coding_and_its_event_are_one_statement(pg_store: Store) -> None:
    coding.apply_code(pg_store, "anna", 2, "rules_and_system")  # the coder id is now known
    sent = statements_during(lambda: coding.apply_code(pg_store, "anna", 3, "contact_center",
                                                       (4, 17)))
    assert sent == ["WITH"]
    sent = statements_during(lambda: coding.remove_code(pg_store, "anna", 3, "contact_center"))
    assert sent == ["WITH"]


def test_the_fast_path_writes_what_the_orm_path_writes(pg_store: Store) -> None:
    fast = coding.apply_code(pg_store, "anna", 4, "caseworker_relation", (0, 3))
    assert fast.outcome is coding.Outcome.APPLIED
    with pg_store.read() as session:
        row = session.get(Coding, fast.coding_ids[0])
        logged = session.get(Event, fast.event_id)
        assert row is not None and logged is not None
        assert (row.start, row.end, row.text, row.origin) == (0, 3, "Man", "manual")
        snapshot = logged.after["codings"][0]  # type: ignore[index]
        assert snapshot["text"] == "Man" and snapshot["id"] == row.id
        assert set(snapshot) == {"id", *coding._FIELDS["codings"]}
    again = coding.apply_code(pg_store, "anna", 4, "caseworker_relation", (0, 3))
    assert again.outcome is coding.Outcome.NOTHING  # the ORM path explains: already coded
    assert coding.undo(pg_store, "anna").undid == "coding.apply"
    with pg_store.read() as session:
        assert session.get(Coding, fast.coding_ids[0]) is None
    # emoji: offsets are code points on both paths
    whole = coding.apply_code(pg_store, "anna", 4, "rules_and_system")
    with pg_store.read() as session:
        stored = session.get(Coding, whole.coding_ids[0])
        assert stored is not None and stored.text.endswith("😡")


def test_a_connection_the_server_dropped_is_retried(pg_store: Store) -> None:
    coding.apply_code(pg_store, "anna", 2, "contact_center")
    engine = coding_pg._ENGINES[pg_store]
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    with pg_store.write() as session:
        session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    change = coding.apply_code(pg_store, "anna", 2, "caseworker_relation")
    assert change.outcome is coding.Outcome.APPLIED
    with pg_store.read() as session:
        assert session.scalar(select(Coding.id).where(Coding.id == change.coding_ids[0]))


def test_undo_of_a_removal_keeps_the_import_flag(pg_store: Store) -> None:
    from sqlalchemy import update

    change = coding.apply_code(pg_store, "anna", 2, "rules_and_system")
    with pg_store.write() as session:
        session.execute(update(Coding).where(Coding.id == change.coding_ids[0])
                        .values(import_flag="check position"))
    coding.remove_code(pg_store, "anna", 2, "rules_and_system")
    coding.undo(pg_store, "anna")
    with pg_store.read() as session:
        restored = session.get(Coding, change.coding_ids[0])
        assert restored is not None and restored.import_flag == "check position"
