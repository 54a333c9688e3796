"""The asyncpg connection under a session, for statements on the hot path.

SQLAlchemy spends ~0.2 ms of CPU building, caching and running a statement; asyncpg alone
~0.05 ms. Statements run for every report (the outbox insert, the report's own rows) go
straight to the driver, inside the session's transaction. SQLAlchemy opens that transaction
on the database lazily, with the session's first statement: if none has run yet, a trivial
one is sent first, so a driver statement can never run outside the transaction. A statement
that is its own transaction goes on a pooled connection outside any (`send_rows` with the
tenant bound in the statement).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import Any, cast
from uuid import UUID

import asyncpg
from sqlalchemy import ARRAY, JSON, ColumnElement, FromClause, Table, text
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from guichet_contracts.tenancy import validate_tenant_id
from guichet_kit.db.identifiers import checked_identifier

_OPEN_TRANSACTION = text("SELECT 1")
_DRIVER_KEY = "guichet.driver_connection"
_PARAMETER = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")  # not a ::cast


def known_driver_connection(session: AsyncSession) -> asyncpg.Connection | None:
    """The driver connection if this transaction already looked it up, else None."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_DRIVER_KEY)
    if transaction is not None and cached is not None and cached[0] is transaction:
        known: asyncpg.Connection = cached[1]
        return known
    return None


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection, in its transaction (looked up once per transaction:
    the connection cannot change before the transaction ends). Objects the ORM still holds
    pending are flushed first, as SQLAlchemy does before its own statements: driver statements
    then run in program order (a row they refer to is already written)."""
    if session.new or session.dirty or session.deleted:
        await session.flush()
    known = known_driver_connection(session)
    if known is not None:
        return known
    raw = await _driver(session)
    if not raw.is_in_transaction():
        await session.execute(_OPEN_TRANSACTION)
    if not raw.is_in_transaction():
        raise RuntimeError("the session is not in a transaction: use it inside session.begin()")
    session.info[_DRIVER_KEY] = (session.sync_session.get_transaction(), raw)
    return raw


@asynccontextmanager
async def pooled_driver_connection(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """A pooled asyncpg connection outside any transaction: each statement is its own
    transaction. For a hot path that reads in one statement and writes in one (ADR 0020).
    Taken from the pool without an SQLAlchemy Connection around it (a third of the cost), so
    SQLAlchemy's disconnect handling does not apply: a connection found closed (PostgreSQL
    restarted) is discarded at checkout, and one closed or left inside a transaction (a
    cancelled rollback) never goes back to the pool."""
    pooled, raw = await _live_checkout(engine)
    interrupted = False
    try:
        yield raw
    except BaseException as exc:
        interrupted = not isinstance(exc, Exception) or isinstance(exc, _CUT_SHORT)
        raise
    finally:
        unusable = interrupted or raw.is_closed() or raw.is_in_transaction()
        # Through SQLAlchemy's pool, which may await the driver: in its greenlet.
        await greenlet_spawn(pooled.invalidate if unusable else pooled.close)


# After these (or a cancellation) a statement, a BEGIN or a ROLLBACK may have been cut short:
# the connection is discarded rather than trusted. An error PostgreSQL reported, or one of the
# caller's own (a refused report), leaves it idle: it goes back to the pool.
_CUT_SHORT = (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError, TimeoutError)


async def _live_checkout(engine: AsyncEngine) -> tuple[PoolProxiedConnection, asyncpg.Connection]:
    """A pooled connection whose socket is still open: asyncpg notices a closed one at once,
    so after a restart the dead ones are dropped here instead of failing their next caller."""
    while True:  # ends: each turn returns, raises (cannot connect) or drops a dead connection
        pooled = await engine.raw_connection()
        raw = _asyncpg(pooled.driver_connection)
        if not raw.is_closed():
            return pooled, raw
        await greenlet_spawn(pooled.invalidate)


async def _driver(session: AsyncSession) -> asyncpg.Connection:
    return await _raw(await session.connection())


async def _raw(connection: AsyncConnection) -> asyncpg.Connection:
    return _asyncpg((await connection.get_raw_connection()).driver_connection)


def _asyncpg(raw: object) -> asyncpg.Connection:
    if not isinstance(raw, asyncpg.Connection):
        raise TypeError(f"expected an asyncpg connection, got {type(raw).__name__}")
    return raw


@dataclass(frozen=True)
class Row:
    """One INSERT. `values` by name: the table's columns (JSON ones encoded here) and the
    parameters of `expressions`, SQL for further columns over the values by name (e.g.
    ``{"location": "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"}`` with ``lon`` and ``lat``
    in `values` but not columns the INSERT names: not in the table, or generated by
    PostgreSQL); `suffix` follows the VALUES (an ON CONFLICT)."""

    table: Table
    values: Mapping[str, Any]
    expressions: Mapping[str, str] = field(default_factory=dict)
    suffix: str = ""


def table_of(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


async def insert_row(
    session: AsyncSession,
    table: FromClause,
    values: Mapping[str, Any],
    expressions: Mapping[str, str] | None = None,
) -> None:
    """INSERT one row through the driver (see `Row`)."""
    if not isinstance(table, Table):
        raise TypeError(f"insert_row needs a table, not {type(table).__name__}")
    await insert_rows(session, [Row(table, values, dict(expressions or {}))])


async def insert_rows(session: AsyncSession, rows: Sequence[Row]) -> None:
    """INSERT `rows` in one statement through the driver, in the session's transaction (see
    `send_rows`)."""
    await send_rows(await driver_connection(session), rows)


async def send_rows(
    connection: asyncpg.Connection,
    rows: Sequence[Row],
    *,
    tenant: str | None = None,
    claim: Row | None = None,
) -> bool:
    """INSERT `rows` in one statement. Rows of one shape (table, value names, expressions,
    suffix) go in one INSERT over arrays, one per value name, so the statement is the same
    whatever the number of rows (one prepared statement, one plan); each shape is a
    data-modifying CTE, in the order the shapes first appear.

    For a statement that is its own transaction (a connection outside any, ADR 0020):
    `tenant` is bound first (``set_config``, local to the statement's transaction) and every
    row is written through that binding, so row-level security checks each one under it;
    `claim` is one row inserted before the others unless a row with its key exists (an
    idempotency key), and then nothing at all is written. True when the rows were written,
    False when the claim was already taken."""
    groups: dict[_Shape, list[Row]] = {}
    for row in rows:
        groups.setdefault(_shape(row), []).append(row)
    shapes = tuple(groups)
    gate = _gate(tenant, claim)
    statement = _statement(tuple(_typed(shape, groups[shape]) for shape in shapes), gate)
    arguments = [argument for shape in shapes for argument in _arguments(shape, groups[shape])]
    if gate is None:
        await connection.execute(statement, *arguments)
        return True
    leading: list[Any] = [] if tenant is None else [validate_tenant_id(tenant)]
    if claim is not None:
        leading += _arguments(_shape(claim), [claim])
    written: bool = await connection.fetchval(statement, *leading, *arguments)
    return written


def _arguments(shape: _Shape, rows: Sequence[Row]) -> list[Any]:
    """One parameter per value name: the array of the rows' values."""
    table, names = shape[0], shape[1]
    arrays: list[Any] = list(zip(*(_values_of(names)(row.values) for row in rows), strict=True))
    for index, encoding in _encoded_names(table, names):
        arrays[index] = [_encoded(encoding, value) for value in arrays[index]]
    return arrays


_Shape = tuple[Table, tuple[str, ...], tuple[tuple[str, str], ...], str]
# A shape with the SQL type of each value name: the table's column type, or for a value that
# only feeds an expression, the type of its Python values.
_TypedShape = tuple[Table, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str]


def _shape(row: Row) -> _Shape:
    return row.table, tuple(row.values), tuple(row.expressions.items()), row.suffix


def _typed(shape: _Shape, rows: Sequence[Row]) -> _TypedShape:
    table, names, expressions, suffix = shape
    types, complete = _column_types(table, names)
    if not complete:
        types = tuple((name, known or _value_type(name, rows)) for name, known in types)
    return table, cast(tuple[tuple[str, str], ...], types), expressions, suffix


# Whether the tenant is bound, and the claim's shape: what a gated statement starts with.
_Gate = tuple[bool, _TypedShape | None]


def _gate(tenant: str | None, claim: Row | None) -> _Gate | None:
    if tenant is None and claim is None:
        return None
    if claim is not None and claim.suffix:
        raise ValueError("a claim takes no suffix: it is inserted unless its key exists")
    return tenant is not None, None if claim is None else _typed(_shape(claim), [claim])


@cache
def _statement(shapes: tuple[_TypedShape, ...], gate: _Gate | None) -> str:
    """The SQL, its $n placeholders in order: the tenant, the claim's values, then one array
    per value name in the order of the shapes. Ungated, the last shape is the statement's
    own INSERT; gated, every INSERT reads its rows through the gate (`bound`, then
    `claimed`) and the statement answers whether the gate let them through."""
    ctes: list[str] = []
    used = 0
    source = None
    if gate is not None:
        bound, claim = gate
        if bound:
            ctes.append(f"bound AS (SELECT set_config('{_tenant_setting()}', $1::text, true))")
            used, source = 1, "bound"
        if claim is not None:
            insert = _insert(claim, used, source)
            ctes.append(f"claimed AS ({insert} ON CONFLICT DO NOTHING RETURNING 1)")
            used, source = used + len(claim[1]), "claimed"
    inserts: list[str] = []
    for shape in shapes:
        inserts.append(_insert(shape, used, source))
        used += len(shape[1])
    if source is not None:
        ctes += [f"w{index} AS ({insert})" for index, insert in enumerate(inserts)]
        return f"WITH {', '.join(ctes)} SELECT EXISTS (SELECT FROM {source})"  # noqa: S608
    last = inserts.pop()
    if not inserts:
        return last
    ctes = [f"w{index} AS ({insert})" for index, insert in enumerate(inserts)]
    return f"WITH {', '.join(ctes)} {last}"


def _tenant_setting() -> str:
    from guichet_kit.db.tenancy import TENANT_SETTING  # tenancy imports this module

    return TENANT_SETTING


def _insert(shape: _TypedShape, used: int, source: str | None = None) -> str:
    """One INSERT over arrays; with a `source`, its rows are read through it (one row, or
    none: then nothing is inserted)."""
    table, types, expressions, suffix = shape
    names = [name for name, _ in types]
    arrays = ", ".join(
        f"${used + i}::{_array_type(table, name, sql_type)}"
        for i, (name, sql_type) in enumerate(types, start=1)
    )
    aliases = ", ".join(_quoted(name) for name in names)
    rows = f"unnest({arrays}) AS v({aliases})"
    columns = [name for name in names if name in _written_columns(table)]
    values = [_value(table, name, sql_type) for name, sql_type in types if name in columns]
    for column, expression in expressions:
        columns.append(column)
        values.append(_PARAMETER.sub(lambda m: f"v.{_quoted(m.group(1))}", expression))
    target = ".".join(_quoted(part) for part in (table.schema, table.name) if part)
    names_sql = ", ".join(_quoted(column) for column in columns)
    insert = (
        f"INSERT INTO {target} ({names_sql}) "  # noqa: S608 (names checked, values bound)
        f"SELECT {', '.join(values)} FROM {source + ', ' if source else ''}{rows}"
    )
    return f"{insert} {suffix}" if suffix else insert


def _quoted(identifier: str) -> str:
    return f'"{checked_identifier(identifier)}"'


def _array_type(table: Table, name: str, sql_type: str) -> str:
    """JSON and array columns travel as JSON text: an array of arrays cannot be unnested
    into rows of arrays."""
    return "text[]" if name in _json_text_columns(table) else f"{sql_type}[]"


def _value(table: Table, name: str, sql_type: str) -> str:
    value = f"v.{_quoted(name)}"
    if name in _json_columns(table):
        return f"{value}::jsonb"
    if name in _array_columns(table):
        elements = f"ARRAY(SELECT jsonb_array_elements_text({value}::jsonb))::{sql_type}"
        return f"CASE WHEN {value} IS NULL THEN NULL ELSE {elements} END"
    return value


_JSON, _ARRAY = "json", "array"


@cache
def _values_of(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A row's values in the order of `names` (looked up at C speed: this runs for every row
    written on the hot path)."""
    if len(names) == 1:
        name = names[0]
        return lambda values: (values[name],)
    return itemgetter(*names)


@cache
def _encoded_names(table: Table, names: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """The positions of the names that travel as JSON text (JSON and array columns)."""
    json_columns, array_columns = _json_columns(table), _array_columns(table)
    return tuple(
        (index, _JSON if name in json_columns else _ARRAY)
        for index, name in enumerate(names)
        if name in json_columns or name in array_columns
    )


def _encoded(encoding: str, value: Any) -> Any:
    """A JSON column's None is JSON null (as SQLAlchemy writes it); an array column's is NULL."""
    if encoding is _ARRAY and value is None:
        return value
    return json.dumps(value, default=str)


@cache
def _column_types(
    table: Table, names: tuple[str, ...]
) -> tuple[tuple[tuple[str, str | None], ...], bool]:
    """Each name with its column's type, None for a value that only feeds an expression;
    and whether every name is a column."""
    types = tuple(
        (name, None if (column := table.c.get(name)) is None else _column_type(column))
        for name in names
    )
    return types, all(known is not None for _, known in types)


def _value_type(name: str, rows: Sequence[Row]) -> str:
    """The SQL type of a value that only feeds an expression, from its Python values (ints
    among floats are floats: never an int array that would truncate a float)."""
    found = {
        _python_sql_type(name, row.values[name]) for row in rows if row.values[name] is not None
    }
    if found == {"bigint", "double precision"}:
        return "double precision"
    if len(found) > 1:
        raise TypeError(f"{name} holds values of several types ({sorted(found)}): cast them")
    return found.pop() if found else "text"


def _python_sql_type(name: str, value: Any) -> str:
    for python_type, sql_type in _PYTHON_TYPES:
        if isinstance(value, python_type):
            return sql_type
    raise TypeError(f"no SQL type for {name}={value!r}: make it a column or a simpler value")


# Checked in order: bool before int (a bool is an int), datetime before date.
_PYTHON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "bigint"),
    (float, "double precision"),
    (Decimal, "numeric"),
    (str, "text"),
    (UUID, "uuid"),
    (datetime, "timestamptz"),
    (date, "date"),
    (bytes, "bytea"),
)


_POSTGRESQL = PGDialect()  # type: ignore[no-untyped-call]


@cache
def _column_type(column: ColumnElement[Any]) -> str:
    return str(column.type.compile(dialect=_POSTGRESQL))


@cache
def _array_columns(table: Table) -> frozenset[str]:
    return frozenset(column.name for column in table.c if isinstance(column.type, ARRAY))


@cache
def _json_text_columns(table: Table) -> frozenset[str]:
    return _json_columns(table) | _array_columns(table)


@cache
def _written_columns(table: Table) -> frozenset[str]:
    """The columns an INSERT may name: not those PostgreSQL generates (a value of that name
    can still feed an expression)."""
    return frozenset(column.name for column in table.c if column.computed is None)


@cache
def _json_columns(table: Table) -> frozenset[str]:
    return frozenset(column.name for column in table.c if isinstance(column.type, JSON))
