"""cases across sources and typed, labelled participant attributes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 23:00:00

``participant.case_key`` links participants into one case (the same person in several
sources); NULL means the participant is a case of its own. ``attribute_def`` gives each
participant attribute a display label and a type (text, number, date) and an order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("case_key", sa.String(300), nullable=True))
        batch.create_index("ix_participant_case_key", ["case_key"])
    op.create_table(
        "attribute_def",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attribute_def")
    with op.batch_alter_table("participant") as batch:
        batch.drop_index("ix_participant_case_key")
        batch.drop_column("case_key")
