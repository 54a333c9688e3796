"""notes (tenant-owned, RLS) and outbox (infrastructure, no RLS)

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "kit_rls"


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "location",
            Geometry(geometry_type="POINT", srid=4326, spatial_index=False),
            nullable=True,
        ),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("notes_pkey")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_notes_location", "notes", ["location"], schema=SCHEMA, postgresql_using="gist"
    )
    op.create_index(op.f("ix_notes_tenant_id"), "notes", ["tenant_id"], schema=SCHEMA)
    enable_tenant_rls("notes", SCHEMA)
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("outbox_pkey")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("outbox", schema=SCHEMA)
    disable_tenant_rls("notes", SCHEMA)
    op.drop_index(op.f("ix_notes_tenant_id"), table_name="notes", schema=SCHEMA)
    op.drop_index("ix_notes_location", table_name="notes", schema=SCHEMA)
    op.drop_table("notes", schema=SCHEMA)
