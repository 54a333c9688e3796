"""Bus tables: outbox of the event bus.

Revision ID: e17c7f10790c
Revises:
Create Date: 2026-11-22 05:51:21.378192
"""

from collections.abc import Sequence

from guichet_kit.bus.migrations import create_outbox_v1, drop_outbox_v1

revision: str = "e17c7f10790c"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "intake"


def upgrade() -> None:
    create_outbox_v1(SCHEMA)


def downgrade() -> None:
    drop_outbox_v1(SCHEMA)
