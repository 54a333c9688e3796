"""Bus tables: inbox of the event bus.

Revision ID: add2ca3b540a
Revises:
Create Date: 2026-11-22 05:51:31.591492
"""

from collections.abc import Sequence

from guichet_kit.bus.migrations import create_inbox_v1, drop_inbox_v1

revision: str = "add2ca3b540a"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"


def upgrade() -> None:
    create_inbox_v1(SCHEMA)


def downgrade() -> None:
    drop_inbox_v1(SCHEMA)
