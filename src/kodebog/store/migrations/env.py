"""Alembic environment: runs on the connection that kodebog hands over."""

from __future__ import annotations

from alembic import context

from kodebog.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is run by hand
    raise SystemExit("run migrations through kodebog (they open with `kodebog` commands)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
