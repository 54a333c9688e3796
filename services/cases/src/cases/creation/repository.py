"""SQL of the cases born from routing's decisions, all through the transaction's driver
connection (ADR 0013, 0014): the reports' situation, the case numbers, the duplicate target's
supporter count, and the rows written with their events in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases.models import outbox
from cases.models.case import Case
from cases.models.case_locator import CaseLocator
from cases.models.case_supporter import CaseSupporter
from guichet_contracts.envelope import Envelope
from guichet_kit.bus import write_with_event, write_with_events
from guichet_kit.db.driver import Row, driver_connection, table_of

# One index probe per report: scalar subqueries, not EXISTS, which the planner may turn into a
# hash of the whole table (it takes an array to hold 100 elements; a batch holds a few).
_SITUATION = (
    "SELECT ARRAY(SELECT r.id FROM unnest($1::uuid[]) AS r(id) "
    'WHERE (SELECT true FROM cases."case" WHERE report_id = r.id) '
    "OR (SELECT true FROM cases.case_supporter WHERE report_id = r.id)), "
    "(SELECT case_prefix FROM cases.directory_municipality WHERE nis = $2)"
)


@dataclass(frozen=True)
class Situation:
    known: frozenset[uuid.UUID]  # the reports already known
    case_prefix: str | None


async def situation(
    session: AsyncSession, tenant_id: str, report_ids: Sequence[uuid.UUID]
) -> Situation:
    connection = await driver_connection(session)  # once per batch of routed reports (ADR 0013)
    (row,) = await connection.fetch(_SITUATION, list(report_ids), tenant_id)  # one row, always
    return Situation(known=frozenset(row[0]), case_prefix=row[1])


# $3 numbers at once: the counter ends at the last one taken.
_TAKE_VALUES = (
    "INSERT INTO cases.case_counter AS counter (tenant_id, year, last_value) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = counter.last_value + $3 "
    "RETURNING last_value"
)


async def take_counter_values(session: AsyncSession, tenant_id: str, year: int, count: int) -> int:
    """The counter of (tenant, year) advanced by `count`: its new last value."""
    connection = await driver_connection(session)
    last: int = await connection.fetchval(_TAKE_VALUES, tenant_id, year, count)
    return last


# The open end of the chain of merges starting at $1 (at most $3 cases long), its
# supporter count bumped: one statement, the row locked until the transaction ends. If a merge
# commits meanwhile, PostgreSQL re-checks the locked row: no longer open, it is not updated and
# nothing comes back (the caller reads the chain again).
_JOIN = """
WITH RECURSIVE chain AS (
    SELECT id, status, duplicate_of_case_id, 1 AS hop FROM cases."case" WHERE id = $1
    UNION ALL
    SELECT c.id, c.status, c.duplicate_of_case_id, chain.hop + 1
    FROM cases."case" AS c JOIN chain ON c.id = chain.duplicate_of_case_id
    WHERE chain.status = 'duplicate' AND chain.hop < $3
), open_end AS (
    SELECT id FROM chain
    WHERE status <> 'duplicate' OR duplicate_of_case_id IS NULL
    ORDER BY hop LIMIT 1
)
UPDATE cases."case" AS c SET supporters = c.supporters + 1, updated_at = $2
FROM open_end
WHERE c.id = open_end.id AND (c.status <> 'duplicate' OR c.duplicate_of_case_id IS NULL)
RETURNING c.id, c.tenant_id, c.number, c.supporters
"""


_EXISTS = 'SELECT EXISTS (SELECT 1 FROM cases."case" WHERE id = $1)'

JoinedRow = tuple[uuid.UUID, str, str, int]


async def bump_open_end(
    session: AsyncSession, case_id: uuid.UUID, at: datetime, max_hops: int
) -> JoinedRow | None:
    """(id, tenant, number, supporters) of the open end of the chain of merges from
    `case_id`, one more supporter counted; None when no open end was updated."""
    connection = await driver_connection(session)  # every duplicate report (ADR 0014)
    row = await connection.fetchrow(_JOIN, case_id, at, max_hops)
    return None if row is None else (row["id"], row["tenant_id"], row["number"], row["supporters"])


async def case_exists(session: AsyncSession, case_id: uuid.UUID) -> bool:
    connection = await driver_connection(session)
    return bool(await connection.fetchval(_EXISTS, case_id))


_POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"


def case_row(values: dict[str, object]) -> Row:
    """`values` carry `lon` and `lat` for the location."""
    return Row(table_of(Case), values, {"location": _POINT})


def supporter_row(values: dict[str, object]) -> Row:
    return Row(table_of(CaseSupporter), values)


def locator_row(
    *,
    tracking_number: str,
    tenant_id: str,
    report_id: uuid.UUID,
    token_hash: bytes | None,
    reporter_subject: str | None,
) -> Row:
    """Written with each case or supporter. Idempotent for the same report; a tracking number
    already given to another report fails (unique key), which the consumer retries and
    finally dead-letters."""
    values = {
        "tracking_number": tracking_number,
        "tenant_id": tenant_id,
        "report_id": report_id,
        "token_hash": token_hash,
        "reporter_subject": reporter_subject,
    }
    return Row(table_of(CaseLocator), values, suffix="ON CONFLICT (report_id) DO NOTHING")


async def write_cases(
    session: AsyncSession, rows: Sequence[Row], events: Sequence[Envelope]
) -> None:
    """New cases' rows and their events: one INSERT over arrays per table, one statement."""
    await write_with_events(session, rows, outbox, events)


async def write_supporter(session: AsyncSession, rows: Sequence[Row], event: Envelope) -> None:
    await write_with_event(session, rows, outbox, event)
