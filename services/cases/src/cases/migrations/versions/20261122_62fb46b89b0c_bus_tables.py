"""Bus tables: outbox and inbox of the event bus.

Revision ID: 62fb46b89b0c
Revises:
Create Date: 2026-11-22 05:51:24.136030
"""

from collections.abc import Sequence

from guichet_kit.bus.migrations import (
    create_inbox_v1,
    create_outbox_v1,
    drop_inbox_v1,
    drop_outbox_v1,
)

revision: str = "62fb46b89b0c"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "cases"


def upgrade() -> None:
    create_outbox_v1(SCHEMA)
    create_inbox_v1(SCHEMA)


def downgrade() -> None:
    drop_inbox_v1(SCHEMA)
    drop_outbox_v1(SCHEMA)
