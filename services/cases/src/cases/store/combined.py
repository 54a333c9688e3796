"""Several rows and the event that goes with them, written by one statement: each row is a
data-modifying CTE (``WITH a AS (INSERT ...), b AS (INSERT ...) SELECT pg_notify(...)``), so
the hot path pays one round trip where it paid one per row (ADR 0013).

Runs through the session's driver connection, inside its transaction: RLS applies to every
row of a tenant-owned table. The statements of one shape are built once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from guichet_contracts.envelope import Envelope
from guichet_kit.bus.outbox import notify_channel
from guichet_kit.db.driver import driver_connection
from guichet_kit.db.identifiers import quote_ident

_PARAMETER = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")  # not a ::cast


@dataclass(frozen=True)
class Row:
    """One INSERT. `values` by name: the table's columns (JSON ones encoded here) and the
    parameters of `expressions`, SQL for further columns over the values by name (as
    `guichet_kit.db.driver.insert_row`); `suffix` follows the VALUES (an ON CONFLICT)."""

    table: Table
    values: Mapping[str, Any]
    expressions: Mapping[str, str] = field(default_factory=dict)
    suffix: str = ""


def table_of(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def outbox_row(outbox: Table, envelope: Envelope) -> Row:
    """The row `guichet_kit.bus.add_to_outbox` writes for `envelope` (no headers)."""
    values = {
        "id": envelope.id,
        "subject": envelope.subject,
        "payload": envelope.to_bytes(),
        "headers": {},
    }
    return Row(outbox, values)


async def write_with_event(
    session: AsyncSession, rows: Sequence[Row], outbox: Table, envelope: Envelope
) -> None:
    """`rows`, then `envelope` queued in `outbox` and the relay woken as `add_to_outbox`
    does (the notification is delivered on commit only), in one statement."""
    written = (*rows, outbox_row(outbox, envelope))
    statement = _statement(tuple(_shape(row) for row in written))
    arguments = [
        _argument(row.table, name, value) for row in written for name, value in row.values.items()
    ]
    connection = await driver_connection(session)
    await connection.execute(statement, *arguments, notify_channel(outbox))


_Shape = tuple[Table, tuple[str, ...], tuple[tuple[str, str], ...], str]


def _shape(row: Row) -> _Shape:
    return row.table, tuple(row.values), tuple(row.expressions.items()), row.suffix


@cache
def _statement(shapes: tuple[_Shape, ...]) -> str:
    """The SQL, its $n placeholders in the order of the rows' values, the channel last."""
    parts: list[str] = []
    used = 0
    for index, shape in enumerate(shapes):
        parts.append(f"w{index} AS ({_insert(shape, used)})")
        used += len(shape[1])
    return f"WITH {', '.join(parts)} SELECT pg_notify(${used + 1}, '')"


def _insert(shape: _Shape, used: int) -> str:
    table, names, expressions, suffix = shape
    placeholders = {name: f"${used + i}" for i, name in enumerate(names, start=1)}
    columns = [name for name in names if name in table.c]
    values = [_placeholder(table, name, placeholders[name]) for name in columns]
    for column, expression in expressions:
        columns.append(column)
        values.append(_PARAMETER.sub(lambda m: placeholders[m.group(1)], expression))
    target = ".".join(quote_ident(part) for part in (table.schema, table.name) if part)
    names_sql = ", ".join(quote_ident(column) for column in columns)
    insert = f"INSERT INTO {target} ({names_sql}) VALUES ({', '.join(values)})"  # noqa: S608
    return f"{insert} {suffix}" if suffix else insert


def _placeholder(table: Table, name: str, placeholder: str) -> str:
    return f"({placeholder}::text)::jsonb" if _is_json(table, name) else placeholder


def _argument(table: Table, name: str, value: Any) -> Any:
    return json.dumps(value) if name in table.c and _is_json(table, name) else value


def _is_json(table: Table, name: str) -> bool:
    return isinstance(table.c[name].type, JSON)
