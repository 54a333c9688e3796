"""Bus tables: inbox of the event bus.

Revision ID: c5183749b0e9
Revises:
Create Date: 2026-11-22 05:51:26.644624
"""

from collections.abc import Sequence

from guichet_kit.bus.migrations import create_inbox_v1, drop_inbox_v1

revision: str = "c5183749b0e9"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "notify"


def upgrade() -> None:
    create_inbox_v1(SCHEMA)


def downgrade() -> None:
    drop_inbox_v1(SCHEMA)
