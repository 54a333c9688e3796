"""A change and the event announcing it, written in one statement (ADR 0013).

`guichet_kit.bus.outbox.add_to_outbox` costs a round trip of its own; here the change is a
data-modifying CTE of the outbox insert, which carries the same columns and sends the same
NOTIFY (delivered only if the transaction commits). Belongs in the kit next to
`add_to_outbox`: it is written here until the kit provides it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_kit.bus.outbox import OUTBOX_TABLE, notify_channel
from guichet_kit.db.driver import driver_connection
from guichet_kit.db.identifiers import checked_identifier


async def change_and_queue(
    session: AsyncSession,
    change: str,
    arguments: Sequence[object],
    table: Table,
    envelope: Envelope,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Run `change` (an INSERT/UPDATE/DELETE over $1..$n, n = len(arguments)) and queue
    `envelope` in `table`, in one statement, in the caller's transaction (never commits)."""
    connection = await driver_connection(session)
    await connection.execute(
        with_outbox(table, change, len(arguments)),
        *arguments,
        envelope.id,
        envelope.subject,
        envelope.to_bytes(),
        json.dumps(dict(headers or {})),
        notify_channel(table),
    )


@cache
def with_outbox(table: Table, change: str, parameters: int) -> str:
    """`change`, then the outbox row and its NOTIFY over the next five parameters."""
    name = f"{checked_identifier(table.schema)}.{OUTBOX_TABLE}" if table.schema else OUTBOX_TABLE
    event, subject, payload, headers, channel = (f"${parameters + i}" for i in range(1, 6))
    return (
        f"WITH changed AS ({change}), "  # noqa: S608
        f"queued AS (INSERT INTO {name} (id, subject, payload, headers) "
        f"VALUES ({event}, {subject}, {payload}, ({headers}::text)::jsonb)) "
        f"SELECT pg_notify({channel}, '')"
    )
