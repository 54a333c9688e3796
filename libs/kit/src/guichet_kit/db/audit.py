"""The tenancy invariant, checked on a live database: every table of the service schemas is
either protected by the tenant RLS policy (enabled, forced, policy on ``app.tenant_id``) or
explicitly exempted with a reason. A new table cannot be forgotten silently."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import RowMapping, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

# (schema or "*", table) -> why the table has no tenant policy.
Exemptions = Mapping[tuple[str, str], str]

INFRASTRUCTURE_EXEMPTIONS: Exemptions = {
    ("*", "alembic_version"): "migration bookkeeping",
    ("*", "outbox"): "ADR 0004: the relay publishes every tenant's events",
    ("*", "inbox"): "ADR 0004: keyed by event id, holds no tenant data",
}

_TABLES = text(
    """
    SELECT n.nspname AS schema, c.relname AS table,
           c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
               AS has_tenant_id,
           EXISTS (SELECT 1 FROM pg_policies p
                   WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                     AND p.qual LIKE '%app.tenant_id%' AND p.with_check LIKE '%app.tenant_id%')
               AS has_policy
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname IN :schemas
    ORDER BY 1, 2
    """
).bindparams(bindparam("schemas", expanding=True))


@dataclass(frozen=True)
class Violation:
    schema: str
    table: str
    problem: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.table}: {self.problem}"


async def tenancy_violations(
    connection: AsyncConnection, schemas: Iterable[str], exemptions: Exemptions
) -> list[Violation]:
    rows = (await connection.execute(_TABLES, {"schemas": list(schemas)})).mappings()
    violations = []
    for row in rows:
        if (row["schema"], row["table"]) in exemptions or ("*", row["table"]) in exemptions:
            continue
        problem = _problem(row)
        if problem:
            violations.append(Violation(row["schema"], row["table"], problem))
    return violations


def _problem(row: RowMapping) -> str | None:
    if not row["has_tenant_id"]:
        return "no tenant_id column and no exemption"
    if not (row["enabled"] and row["forced"]):
        return "row-level security not enabled and forced"
    if not row["has_policy"]:
        return "no policy on app.tenant_id for USING and WITH CHECK"
    return None
