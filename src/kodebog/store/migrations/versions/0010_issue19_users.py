"""users of a served project: login name, hashed password, role (issue 19)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 00:20:00

``app_user`` holds the people who may log in to ``kodebog serve``: ``name`` is the coder
name their codings are stored under, ``password_hash`` an argon2id hash (never the
password), ``role`` is ``coder`` or ``reviewer`` (only reviewers settle disputes once a
project has users).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False, server_default="coder"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("app_user")
