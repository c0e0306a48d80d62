"""living codebook: merged codes keep their id as an alias; versions say what changed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 23:00:00

``code.merged_into`` names the code a merged-away code now lives in, so its id still
resolves (old exports, REFI files, scripts). ``codebook_version.change`` is a one-line
summary of a change made in kodebog (add, rename, merge ...); versions read from a file
leave it empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("code") as batch:
        batch.add_column(sa.Column("merged_into", sa.String(100), nullable=True))
    with op.batch_alter_table("codebook_version") as batch:
        batch.add_column(sa.Column("change", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("codebook_version") as batch:
        batch.drop_column("change")
    with op.batch_alter_table("code") as batch:
        batch.drop_column("merged_into")
