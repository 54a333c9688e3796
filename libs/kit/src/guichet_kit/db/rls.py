"""Row-level security and grants, for Alembic migrations.

In a migration of a tenant-owned table::

    from guichet_kit.db.rls import enable_tenant_rls, disable_tenant_rls

    def upgrade() -> None:
        op.create_table("reports", ..., schema="intake")
        enable_tenant_rls("reports", "intake")

    def downgrade() -> None:
        disable_tenant_rls("reports", "intake")
        op.drop_table("reports", schema="intake")

`enable_tenant_rls` also adds ``CHECK (tenant_id ~ '^[0-9]{5}$')`` (the NIS pattern). RLS is
FORCED so the owner (the migration role) is filtered too. The policy compares with
``current_setting('app.tenant_id', true)``: NULL (or '' once the setting was used on that
connection) when no tenant is bound, which matches no row — no tenant, no data.
"""

from __future__ import annotations

from alembic import op

from guichet_contracts.tenancy import NIS_PATTERN
from guichet_kit.db.identifiers import qualified, quote_ident
from guichet_kit.db.tenancy import TENANT_SETTING

TENANT_POLICY = "tenant_isolation"
TENANT_ID_CHECK = f"tenant_id ~ '{NIS_PATTERN}'"
TENANT_PREDICATE = f"tenant_id = current_setting('{TENANT_SETTING}', true)"
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"  # no TRUNCATE: it ignores RLS
ALEMBIC_VERSION_TABLE = "alembic_version"


def tenant_check_name(table: str) -> str:
    """Same name the naming convention gives a check called ``tenant_id_format``."""
    return f"{table}_tenant_id_format_check"


def enable_tenant_rls_sql(table: str, schema: str) -> list[str]:
    target = qualified(table, schema)
    return [
        f"ALTER TABLE {target} ADD CONSTRAINT {quote_ident(tenant_check_name(table))} "
        f"CHECK ({TENANT_ID_CHECK})",
        f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {target} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {TENANT_POLICY} ON {target} "
        f"USING ({TENANT_PREDICATE}) WITH CHECK ({TENANT_PREDICATE})",
    ]


def disable_tenant_rls_sql(table: str, schema: str) -> list[str]:
    target = qualified(table, schema)
    return [
        f"DROP POLICY IF EXISTS {TENANT_POLICY} ON {target}",
        f"ALTER TABLE {target} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {target} DISABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {target} DROP CONSTRAINT IF EXISTS {quote_ident(tenant_check_name(table))}",
    ]


def grant_app_role_sql(schema: str, role: str) -> list[str]:
    """USAGE on the schema, DML on its tables (now and later), sequences; nothing on the
    Alembic version table."""
    s, r = quote_ident(schema), quote_ident(role)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        f"REVOKE ALL ON TABLE {qualified(ALEMBIC_VERSION_TABLE, schema)} FROM {r}",
    ]


def enable_tenant_rls(table: str, schema: str) -> None:
    for statement in enable_tenant_rls_sql(table, schema):
        op.execute(statement)


def disable_tenant_rls(table: str, schema: str) -> None:
    for statement in disable_tenant_rls_sql(table, schema):
        op.execute(statement)
