"""schema for issue 18: semantic embeddings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:00:00

Reserved in the chain so that work on several issues can land in any order. It changes
nothing until the issue that owns it fills it in (then rename this file and this docstring
to say what it does).
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
