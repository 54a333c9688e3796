"""Migration operations for the bus tables, frozen per version.

A service's migration calls ``create_outbox_v1(schema)``; a later change to the tables gets a
``*_v2`` operation used by a new migration, so applied migrations never change behind their
back. Each service's test asserts that the models and the migrations agree
(`guichet_kit.db.migrations.pending_model_changes`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from guichet_kit.bus.inbox import INBOX_TABLE
from guichet_kit.bus.outbox import OUTBOX_TABLE


def create_outbox_v1(schema: str) -> None:
    op.create_table(
        OUTBOX_TABLE,
        sa.Column("id", sa.Uuid(), nullable=False, comment="event id = Nats-Msg-Id"),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "headers", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "available_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f(f"{OUTBOX_TABLE}_pkey")),
        schema=schema,
        comment="transactional outbox; no RLS: the relay publishes every tenant's events",
    )
    op.create_index(
        f"ix_{OUTBOX_TABLE}_created_at_id", OUTBOX_TABLE, ["created_at", "id"], schema=schema
    )


def drop_outbox_v1(schema: str) -> None:
    op.drop_index(f"ix_{OUTBOX_TABLE}_created_at_id", table_name=OUTBOX_TABLE, schema=schema)
    op.drop_table(OUTBOX_TABLE, schema=schema)


def create_inbox_v1(schema: str) -> None:
    op.create_table(
        INBOX_TABLE,
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f(f"{INBOX_TABLE}_pkey")),
        schema=schema,
        comment="events already handled per consumer; no RLS (keyed by event id)",
    )


def drop_inbox_v1(schema: str) -> None:
    op.drop_table(INBOX_TABLE, schema=schema)
