"""Large reads as the driver's plain tuples, without a SQLAlchemy ``Row`` per row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


def plain_rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of ``stmt`` as tuples, read on ``session.connection()`` (no autoflush).

    SQLAlchemy wraps each row in a ``Row`` (0.2 s for 300,000 codings on the bench machine);
    when every column arrives from the driver as the Python value (integers, text) that is
    all it would do, so the rows are taken from the DBAPI cursor as they are. Columns that
    need converting (booleans and JSON on SQLite, dates) go through SQLAlchemy as usual.
    """
    connection = session.connection()
    dialect = connection.dialect
    with connection.execute(stmt) as result:
        if any(column.type.dialect_impl(dialect).result_processor(dialect, None) is not None
               for column in stmt.selected_columns):
            return [tuple(row) for row in result]
        return list(result.cursor.fetchall())
