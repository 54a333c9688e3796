"""Consumer inbox: `(consumer, event_id)` recorded in the handler's own transaction, so a
redelivered or republished event runs its side effects once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import cache
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    Table,
    Text,
    Uuid,
    delete,
    func,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from guichet_kit.db.driver import driver_connection
from guichet_kit.db.identifiers import checked_identifier

INBOX_TABLE = "inbox"


def inbox_table(metadata: MetaData, schema: str | None = None) -> Table:
    return Table(
        INBOX_TABLE,
        metadata,
        Column("consumer", Text, primary_key=True),
        Column("event_id", Uuid(as_uuid=True), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        schema=schema,
        comment="events already handled per consumer; no RLS (keyed by event id)",
    )


async def claim(session: AsyncSession, table: Table, consumer: str, event_id: UUID) -> bool:
    """True if this consumer had not processed the event yet (the row is now taken until
    the transaction ends); False if it already has. Blocks while another transaction holds
    the same claim, then answers from that transaction's outcome."""
    statement = (
        insert(table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(table.c.event_id)
    )
    result = await session.execute(statement)
    return result.scalar_one_or_none() is not None


async def claim_many(
    session: AsyncSession, table: Table, consumer: str, event_ids: Sequence[UUID]
) -> set[UUID]:
    """`claim` for several events in one statement: the ids this consumer had not processed.
    Once per fetched batch: through the driver."""
    unique = list(dict.fromkeys(event_ids))
    if not unique:
        return set()
    connection = await driver_connection(session)
    rows = await connection.fetch(_claim_many_sql(table), consumer, unique)
    return {row[0] for row in rows}


@cache
def _claim_many_sql(table: Table) -> str:
    name = f"{checked_identifier(table.schema)}.{INBOX_TABLE}" if table.schema else INBOX_TABLE
    return (
        f"INSERT INTO {name} (consumer, event_id) SELECT $1, unnest($2::uuid[]) "
        "ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id"
    )


async def prune_inbox(conn: AsyncConnection, table: Table, older_than: timedelta) -> int:
    """Forget claims older than any possible redelivery (keep > the stream's max_age)."""
    cutoff = func.now() - older_than
    result = await conn.execute(delete(table).where(table.c.processed_at < cutoff))
    return result.rowcount
