"""full-text search over unit text

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00

SQLite: an external-content FTS5 table ``unit_fts`` over ``unit.text`` (tokenizer
``unicode61 remove_diacritics 0`` so æ, ø and å only match themselves), kept in step by
triggers, because the importer inserts units with Core ``executemany``.
PostgreSQL: a GIN index on ``to_tsvector('danish', text)``.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_UP = (
    """
    CREATE VIRTUAL TABLE unit_fts USING fts5(
        text, content='unit', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER unit_fts_insert AFTER INSERT ON unit BEGIN
        INSERT INTO unit_fts(rowid, text) VALUES (new.id, new.text);
    END
    """,
    """
    CREATE TRIGGER unit_fts_delete AFTER DELETE ON unit BEGIN
        INSERT INTO unit_fts(unit_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END
    """,
    """
    CREATE TRIGGER unit_fts_update AFTER UPDATE OF text ON unit BEGIN
        INSERT INTO unit_fts(unit_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO unit_fts(rowid, text) VALUES (new.id, new.text);
    END
    """,
    "INSERT INTO unit_fts(unit_fts) VALUES ('rebuild')",
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS unit_fts_update",
    "DROP TRIGGER IF EXISTS unit_fts_delete",
    "DROP TRIGGER IF EXISTS unit_fts_insert",
    "DROP TABLE IF EXISTS unit_fts",
)
_PG_UP = "CREATE INDEX ix_unit_text_fts ON unit USING gin (to_tsvector('danish', text))"
_PG_DOWN = "DROP INDEX IF EXISTS ix_unit_text_fts"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_PG_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_PG_DOWN)
