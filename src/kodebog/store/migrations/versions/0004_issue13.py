"""schema for issue 13: privacy and safety

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:00:00

Reserved in the chain so that work on several issues can land in any order. It changes
nothing until the issue that owns it fills it in (then rename this file and this docstring
to say what it does).
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
