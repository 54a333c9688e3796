"""The unused spatial index on report locations goes.

Under row-level security the GiST index on `report.location` can serve no query of the app role
(ADR 0017) and none reads reports by place: it only cost every insert.

Revision ID: c5e7a9b1d3f4
Revises: b7d2e4f6a8c0
Create Date: 2026-11-29 03:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c5e7a9b1d3f4"
down_revision: str | None = "b7d2e4f6a8c0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_report_location", table_name="report", schema="intake")


def downgrade() -> None:
    op.create_index(
        "ix_report_location", "report", ["location"], schema="intake", postgresql_using="gist"
    )
