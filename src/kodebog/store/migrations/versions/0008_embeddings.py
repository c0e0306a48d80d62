"""stored embeddings for the semantic suggestion tier (issue 18)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:00:00

``unit_embedding`` holds one vector per unit, computed once in the background, with the name
and version of the model that made it (a new model recomputes). ``text_embedding`` keeps the
vectors of codebook texts (labels, definitions, include lines, examples) by the hash of the
model and the text, so loading the semantic tier does not embed the codebook again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_embedding",
        sa.Column(
            "unit_id",
            sa.Integer(),
            sa.ForeignKey("unit.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "text_embedding",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("text_embedding")
    op.drop_table("unit_embedding")
