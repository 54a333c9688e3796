"""Full-text search over cases: accent folding function, stored tsvector, GIN index.

The folding function's body is frozen here (not imported): a released migration must not
change when `cases.models.case.SEARCH_DOCUMENT` does.

Revision ID: c99a7fb86224
Revises: afa79e39c2fc
Create Date: 2026-11-22 06:54:31.011124
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c99a7fb86224"
down_revision: str | None = "afa79e39c2fc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "cases"
FOLD_FUNCTION = """
CREATE FUNCTION cases.search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(replace(replace(
    translate(lower(value), 'àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžźżšśł',
                            'aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzssl'),
    'ß', 'ss'), 'œ', 'oe'), 'æ', 'ae')
"""
SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, cases.search_fold("
    "translate(number || ' ' || tracking_number, '-', ' ') || ' ' || description || ' ' || "
    "coalesce(address, '')))"
)


def upgrade() -> None:
    op.execute(FOLD_FUNCTION)
    op.add_column(
        "case",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_DOCUMENT, persisted=True),
            nullable=True,
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_case_search_vector",
        "case",
        ["search_vector"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_case_search_vector", table_name="case", schema=SCHEMA, postgresql_using="gin")
    op.drop_column("case", "search_vector", schema=SCHEMA)
    op.execute("DROP FUNCTION cases.search_fold(text)")
