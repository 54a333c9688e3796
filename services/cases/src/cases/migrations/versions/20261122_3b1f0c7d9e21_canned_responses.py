"""Canned responses per municipality and language (RLS).

Revision ID: 3b1f0c7d9e21
Revises: c99a7fb86224
Create Date: 2026-11-22 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "3b1f0c7d9e21"
down_revision: str | None = "c99a7fb86224"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "cases"


def upgrade() -> None:
    op.create_table(
        "canned_response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False, comment="OIDC subject"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "language IN ('fr', 'nl', 'de', 'en')", name=op.f("canned_response_language_check")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("canned_response_pkey")),
        sa.UniqueConstraint(
            "tenant_id",
            "code",
            "language",
            name=op.f("canned_response_tenant_id_code_language_key"),
        ),
        schema=SCHEMA,
        comment="ready-made public messages per municipality and language",
    )
    op.create_index(
        op.f("ix_canned_response_tenant_id"),
        "canned_response",
        ["tenant_id"],
        unique=False,
        schema=SCHEMA,
    )
    enable_tenant_rls("canned_response", SCHEMA)


def downgrade() -> None:
    disable_tenant_rls("canned_response", SCHEMA)
    op.drop_index(op.f("ix_canned_response_tenant_id"), table_name="canned_response", schema=SCHEMA)
    op.drop_table("canned_response", schema=SCHEMA)
