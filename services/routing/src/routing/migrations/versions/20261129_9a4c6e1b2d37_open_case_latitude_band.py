"""Open cases keep their point's latitude, indexed with tenant and category.

Row-level security lets an index answer only leak-proof conditions: the spatial index cannot
serve `ST_DWithin` for the app role, so the duplicate search measured the distance to every
open case of the category (1.4 ms per report with ~400 open in a category, growing with them).
Plain float comparisons are leak-proof: the search now narrows to a latitude band through a
btree on (tenant, category, latitude) before measuring distances (ADR 0017). The GiST index,
which the app role can never use, only cost every write: dropped.

`lat` is a stored generated column: PostgreSQL fills it for the rows already there (an UPDATE
by the migration role would see none: row-level security is forced on the owner) and for rows
written by replicas that do not know the column yet.

Revision ID: 9a4c6e1b2d37
Revises: f8b430d8774b
Create Date: 2026-11-29 01:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4c6e1b2d37"
down_revision: str | None = "f8b430d8774b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "routing"


def upgrade() -> None:
    op.add_column(
        "open_case",
        sa.Column("lat", sa.Double(), sa.Computed("ST_Y(location::geometry)", persisted=True)),
        schema=SCHEMA,
    )
    op.drop_index("ix_open_case_tenant_id_category_code", "open_case", schema=SCHEMA)
    op.drop_index("ix_open_case_location", "open_case", schema=SCHEMA)
    op.create_index(
        "ix_open_case_tenant_id_category_code_lat",
        "open_case",
        ["tenant_id", "category_code", "lat"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_open_case_tenant_id_category_code_lat", "open_case", schema=SCHEMA)
    op.create_index(
        "ix_open_case_location", "open_case", ["location"], schema=SCHEMA, postgresql_using="gist"
    )
    op.create_index(
        "ix_open_case_tenant_id_category_code",
        "open_case",
        ["tenant_id", "category_code"],
        schema=SCHEMA,
    )
    op.drop_column("open_case", "lat", schema=SCHEMA)
