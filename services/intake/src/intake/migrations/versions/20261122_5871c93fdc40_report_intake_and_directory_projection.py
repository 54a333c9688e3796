"""Report intake and the directory projection.

Municipality (public, no RLS) and category (RLS) projected from directory.published; report
and photo (RLS); report_locator and idempotency_record (looked up before the tenant is known,
no RLS); the inbox of the directory consumer.

Revision ID: 5871c93fdc40
Revises: e17c7f10790c
Create Date: 2026-11-22 06:38:37.711779
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from guichet_kit.bus.migrations import create_inbox_v1, drop_inbox_v1
from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "5871c93fdc40"
down_revision: str | None = "e17c7f10790c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "intake"
TENANT_TABLES = ("category", "report", "photo")


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False, comment="display order"),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "subcategories",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="[{code, labels}] as published",
        ),
        sa.Column(
            "questions",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="[{code, labels, datatype, required, options}]",
        ),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "code", name=op.f("category_pkey")),
        schema="intake",
    )
    op.create_table(
        "idempotency_record",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.LargeBinary(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("idempotency_record_pkey")),
        schema="intake",
        comment="first response per (caller scope, client key); no RLS",
    )
    op.create_index(
        op.f("ix_idempotency_record_created_at"),
        "idempotency_record",
        ["created_at"],
        unique=False,
        schema="intake",
    )
    create_inbox_v1(SCHEMA)
    op.create_table(
        "municipality",
        sa.Column("nis", sa.Text(), nullable=False),
        sa.Column("names", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("case_prefix", sa.Text(), nullable=False),
        sa.Column(
            "boundary",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "revision",
            sa.Integer(),
            nullable=False,
            comment="directory revision this row comes from",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("nis", name=op.f("municipality_pkey")),
        schema="intake",
        comment="projection of directory.published; public data, no RLS",
    )
    op.create_index(
        "ix_municipality_boundary",
        "municipality",
        ["boundary"],
        unique=False,
        schema="intake",
        postgresql_using="gist",
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("received_via", sa.Text(), nullable=True),
        sa.Column("category_code", sa.Text(), nullable=False),
        sa.Column("subcategory_code", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("reporter_kind", sa.Text(), nullable=False),
        sa.Column("account_subject", sa.Text(), nullable=True),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_email", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.Text(), nullable=True),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("correlation_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("report_pkey")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("report_tenant_id_id_key")),
        sa.UniqueConstraint(
            "tenant_id", "tracking_number", name=op.f("report_tenant_id_tracking_number_key")
        ),
        schema="intake",
    )
    op.create_index(
        op.f("ix_report_account_subject"),
        "report",
        ["account_subject"],
        unique=False,
        schema="intake",
    )
    op.create_index(
        "ix_report_location",
        "report",
        ["location"],
        unique=False,
        schema="intake",
        postgresql_using="gist",
    )
    op.create_index(
        op.f("ix_report_tenant_id"), "report", ["tenant_id"], unique=False, schema="intake"
    )
    op.create_table(
        "report_locator",
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column(
            "token_hash", sa.LargeBinary(), nullable=False, comment="SHA-256 of the tracking token"
        ),
        sa.PrimaryKeyConstraint("tracking_number", name=op.f("report_locator_pkey")),
        sa.UniqueConstraint("report_id", name=op.f("report_locator_report_id_key")),
        schema="intake",
        comment="tracking number lookup before the tenant is known; no RLS",
    )
    op.create_table(
        "photo",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False),
        sa.Column("thumbnail_key", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("original_type", sa.Text(), nullable=False, comment="sniffed upload type"),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "report_id"],
            ["intake.report.tenant_id", "intake.report.id"],
            name=op.f("photo_tenant_id_report_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("photo_pkey")),
        sa.UniqueConstraint("report_id", "position", name=op.f("photo_report_id_position_key")),
        schema="intake",
    )
    op.create_index(
        op.f("ix_photo_tenant_id"), "photo", ["tenant_id"], unique=False, schema="intake"
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table, SCHEMA)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table, SCHEMA)
    op.drop_index(op.f("ix_photo_tenant_id"), table_name="photo", schema="intake")
    op.drop_table("photo", schema="intake")
    op.drop_table("report_locator", schema="intake")
    op.drop_index(op.f("ix_report_tenant_id"), table_name="report", schema="intake")
    op.drop_index(
        "ix_report_location", table_name="report", schema="intake", postgresql_using="gist"
    )
    op.drop_index(op.f("ix_report_account_subject"), table_name="report", schema="intake")
    op.drop_table("report", schema="intake")
    op.drop_index(
        "ix_municipality_boundary",
        table_name="municipality",
        schema="intake",
        postgresql_using="gist",
    )
    op.drop_table("municipality", schema="intake")
    drop_inbox_v1(SCHEMA)
    op.drop_index(
        op.f("ix_idempotency_record_created_at"), table_name="idempotency_record", schema="intake"
    )
    op.drop_table("idempotency_record", schema="intake")
    op.drop_table("category", schema="intake")
