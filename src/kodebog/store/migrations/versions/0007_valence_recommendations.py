"""valence on codings; numbered recommendations and the themes they answer

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:00:00

``coding.valence`` (positive / negative / mixed, NULL when not said) gives reports their
"what works well / less well". ``recommendation`` holds the report's numbered
recommendations, ``recommendation_code`` the themes each answers (following code renames).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coding") as batch:
        batch.add_column(sa.Column("valence", sa.String(length=10), nullable=True))
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "recommendation_code",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendation.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("recommendation_id", "code_id"),
    )


def downgrade() -> None:
    op.drop_table("recommendation_code")
    op.drop_table("recommendation")
    with op.batch_alter_table("coding") as batch:
        batch.drop_column("valence")
