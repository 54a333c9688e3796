"""The locator keeps the reporter's OIDC subject, so a logged-in citizen can list their cases.

Revision ID: 8c4f1e2a9d60
Revises: 5d2e8a41c7b3
Create Date: 2026-11-28 20:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c4f1e2a9d60"
down_revision: str | None = "5d2e8a41c7b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "cases"


def upgrade() -> None:
    op.add_column(
        "case_locator",
        sa.Column(
            "reporter_subject",
            sa.Text(),
            nullable=True,
            comment="OIDC subject of the reporter when logged in",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_case_locator_reporter_subject"),
        "case_locator",
        ["reporter_subject"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_case_locator_reporter_subject"), table_name="case_locator", schema=SCHEMA
    )
    op.drop_column("case_locator", "reporter_subject", schema=SCHEMA)
