"""intake.place_report(): every write of an accepted report in one statement (ADR 0014).

Binds the statement's transaction to the town (RLS applies: SECURITY INVOKER), claims the
idempotency key (false, and nothing written, when another request holds it), then writes the
locator, the report, its photos and the `report.submitted` outbox row (the caller then wakes
its relay: no NOTIFY, ADR 0015). Called outside any explicit transaction, the statement is its own transaction: all or nothing.

Revision ID: b7d2e4f6a8c0
Revises: a3f1c2d4e5b6
Create Date: 2026-11-29 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b7d2e4f6a8c0"
down_revision: str | None = "a3f1c2d4e5b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = "intake.place_report(text, jsonb, jsonb, bytea, jsonb, uuid, text, bytea, jsonb)"

CREATE = """
CREATE FUNCTION intake.place_report(
    p_tenant text,
    p_idempotency jsonb,  -- NULL without a key; else scope, key, request_hash (hex), status_code, response
    p_report jsonb,       -- the report's columns, with lon and lat
    p_token_hash bytea,
    p_photos jsonb,       -- array of the photos' columns
    p_event_id uuid,
    p_subject text,
    p_payload bytea,
    p_headers jsonb
) RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    r record;
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant, true);
    SELECT * INTO STRICT r FROM jsonb_to_record(p_report) AS x(
        id uuid, tracking_number text, submitted_at timestamptz, channel text, received_via text,
        category_code text, subcategory_code text, description text, address text, language text,
        reporter_kind text, account_subject text, is_staff boolean, contact_name text,
        contact_email text, contact_phone text, answers jsonb, correlation_id uuid,
        lon double precision, lat double precision);
    IF p_idempotency IS NOT NULL THEN
        INSERT INTO intake.idempotency_record
            (scope, key, request_hash, tenant_id, report_id, status_code, response)
        SELECT i.scope, i.key, decode(i.request_hash, 'hex'), p_tenant, r.id, i.status_code,
               i.response
        FROM jsonb_to_record(p_idempotency)
            AS i(scope text, key text, request_hash text, status_code smallint, response jsonb)
        ON CONFLICT (scope, key) DO NOTHING;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
    END IF;
    INSERT INTO intake.report_locator (tracking_number, tenant_id, report_id, token_hash)
    VALUES (r.tracking_number, p_tenant, r.id, p_token_hash);
    INSERT INTO intake.report (
        id, tenant_id, tracking_number, submitted_at, channel, received_via, category_code,
        subcategory_code, description, location, address, language, reporter_kind,
        account_subject, is_staff, contact_name, contact_email, contact_phone, answers,
        correlation_id)
    VALUES (
        r.id, p_tenant, r.tracking_number, r.submitted_at, r.channel, r.received_via,
        r.category_code, r.subcategory_code, r.description,
        ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.address, r.language, r.reporter_kind,
        r.account_subject, r.is_staff, r.contact_name, r.contact_email, r.contact_phone,
        r.answers, r.correlation_id);
    INSERT INTO intake.photo (
        id, tenant_id, report_id, position, object_key, thumbnail_key, content_type,
        original_type, width, height, size_bytes)
    SELECT p.id, p_tenant, r.id, p.position, p.object_key, p.thumbnail_key, p.content_type,
           p.original_type, p.width, p.height, p.size_bytes
    FROM jsonb_to_recordset(p_photos) AS p(
        id uuid, position smallint, object_key text, thumbnail_key text, content_type text,
        original_type text, width integer, height integer, size_bytes integer);
    INSERT INTO intake.outbox (id, subject, payload, headers)
    VALUES (p_event_id, p_subject, p_payload, p_headers);
    RETURN true;
END
$$
"""


def upgrade() -> None:
    op.execute(CREATE)


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {SIGNATURE}")
