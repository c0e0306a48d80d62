"""REFI-QDA identifiers kept from imports, and a review flag on codings (issue 20)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:00:00

``refi_guid``: the GUID another tool gave a code, source, user, case, variable, selection,
coding or note, keyed by what kodebog calls that thing (``kind``, ``key``), so an export
writes the same GUID back. ``folder`` marks a code the file had as ``isCodable="false"``.
``coding.import_flag``: why an imported coding's position is uncertain (None: nothing to
check); the TUI shows it in the coding's detail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refi_guid",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(1000), nullable=False),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("folder", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("kind", "key"),
    )
    with op.batch_alter_table("coding") as batch:
        batch.add_column(sa.Column("import_flag", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coding") as batch:
        batch.drop_column("import_flag")
    op.drop_table("refi_guid")
