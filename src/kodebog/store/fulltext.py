"""Keeping SQLite's full-text index of unit text in step with bulk inserts."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def index_units(session: Session, source_id: int | None = None, after_ordinal: int = 0) -> None:
    """Add a source's units past ``after_ordinal`` (with None: rebuild all) to SQLite's FTS5.

    PostgreSQL needs nothing: its GIN expression index follows every insert by itself.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if source_id is None:
        session.execute(text("INSERT INTO unit_fts(unit_fts) VALUES ('rebuild')"))
        return
    session.execute(
        text("INSERT INTO unit_fts(rowid, text) SELECT id, text FROM unit "
             "WHERE source_id = :s AND ordinal > :o"),
        {"s": source_id, "o": after_ordinal},
    )
