"""Hot-path statements through the driver, inside the session's transaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import registry

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseMerged
from guichet_contracts.ids import uuid7
from guichet_kit.bus import QueuedEvent, commit_with_events, outbox_table
from guichet_kit.db import TENANT_SETTING, create_session_factory
from guichet_kit.db.driver import (
    Row,
    driver_connection,
    insert_row,
    insert_rows,
    pooled_driver_connection,
    send_rows,
)
from guichet_testing.database import TestDatabase
from guichet_testing.statements import statements_sent

SCHEMA = "kit_driver"
NOW = datetime.now(UTC)
metadata = MetaData()
# A reserved word as table name, a JSONB column and a computed one: what insert_row must handle.
case = Table(
    "case",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("details", JSONB, nullable=False),
    Column("label", Text),
    Column("total", Integer, nullable=False),
    Column("tags", ARRAY(Text)),
    schema=SCHEMA,
)
note = Table(
    "note",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey(case.c.id), nullable=False),
    schema=SCHEMA,
)
# Stamped with the tenant bound when the row is inserted; keys claimed once.
stamped = Table(
    "stamped",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant", Text, server_default=text(f"current_setting('{TENANT_SETTING}', true)")),
    schema=SCHEMA,
)
claims = Table(
    "claims",
    metadata,
    Column("key", Text, primary_key=True),
    Column("payload", JSONB, nullable=False),
    schema=SCHEMA,
)
outbox = outbox_table(metadata, schema=SCHEMA)


class CaseRow:
    """`case` mapped by the ORM, to hold a row pending in a session."""

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            setattr(self, name, value)


registry().map_imperatively(CaseRow, case)


@pytest.fixture(scope="module")
async def engine(database: TestDatabase) -> AsyncIterator[AsyncEngine]:
    await database.execute_admin(f"CREATE SCHEMA {SCHEMA}")
    admin = database.admin_engine()
    async with admin.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield admin
    await admin.dispose()


async def test_insert_row_quotes_names_encodes_json_and_computes_columns(
    engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(engine)
    first, second = uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        values = {"id": first, "details": {"a": [1, "é"]}, "label": None, "x": 2, "y": 3}
        await insert_row(session, case, values, {"total": ":x::int * :y::int"})
    async with sessions() as session, session.begin():
        await insert_row(session, case, {"id": second, "details": {}, "x": 1, "y": 1},
                         {"total": ":x::int + :y::int"})  # fmt: skip
        await session.rollback()

    async with engine.connect() as conn:
        rows = (await conn.execute(select(case))).all()
    assert [(r.id, r.details, r.label, r.total) for r in rows] == [
        (first, {"a": [1, "é"]}, None, 6)
    ]


async def test_one_session_through_several_transactions_uses_each_one(
    engine: AsyncEngine,
) -> None:
    """The driver connection is remembered per transaction, never across them."""
    kept, dropped = uuid.uuid4(), uuid.uuid4()
    async with create_session_factory(engine)() as session:
        async with session.begin():
            await insert_row(session, case, {"id": kept, "details": {}, "total": 1})
        async with session.begin():
            await insert_row(session, case, {"id": dropped, "details": {}, "total": 2})
            await session.rollback()
    async with engine.connect() as conn:
        ids = set((await conn.execute(select(case.c.id))).scalars())
    assert kept in ids
    assert dropped not in ids


async def test_pending_orm_rows_are_written_before_a_driver_statement(
    engine: AsyncEngine,
) -> None:
    """A driver insert referring to a row the ORM still holds pending must not fail its
    foreign key: statements run in program order."""
    case_id = uuid.uuid4()
    async with create_session_factory(engine)() as session, session.begin():
        await insert_row(session, case, {"id": uuid.uuid4(), "details": {}, "total": 1})
        session.add(CaseRow(id=case_id, details={}, total=0))  # pending, after the driver ran
        await insert_row(session, note, {"id": uuid.uuid4(), "case_id": case_id})
    async with engine.connect() as conn:
        assert (await conn.execute(select(note.c.case_id))).scalars().all() == [case_id]


async def test_pooled_driver_connection_commits_each_statement_and_returns_clean(
    engine: AsyncEngine,
) -> None:
    case_id = uuid.uuid4()
    async with pooled_driver_connection(engine) as connection:
        assert not connection.is_in_transaction()
        await connection.execute(
            f'INSERT INTO {SCHEMA}."case" (id, details, total) VALUES ($1, $2::jsonb, 1)',
            case_id,
            "{}",
        )
        with pytest.raises(asyncpg.UniqueViolationError):  # fails alone, the first one stays
            await connection.execute(
                f'INSERT INTO {SCHEMA}."case" (id, details, total) VALUES ($1, $2::jsonb, 1)',
                case_id,
                "{}",
            )
    async with engine.connect() as other:  # another connection sees it: it was committed
        assert (await other.execute(select(case.c.total).where(case.c.id == case_id))).scalar() == 1


async def test_insert_rows_writes_every_row_in_one_statement(engine: AsyncEngine) -> None:
    case_id, note_id = uuid.uuid4(), uuid.uuid4()
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        connection = await driver_connection(session)
        with statements_sent(connection, SCHEMA) as statements:
            rows = [
                Row(case, {"id": case_id, "details": {"k": "v"}, "x": 4}, {"total": ":x::int"}),
                Row(note, {"id": note_id, "case_id": case_id}),  # its foreign key: the first
            ]
            await insert_rows(session, rows)
    assert len(statements) == 1
    async with engine.connect() as conn:
        query = select(case.c.details, case.c.total).where(case.c.id == case_id)
        stored = (await conn.execute(query)).one()
        notes = (await conn.execute(select(note.c.id).where(note.c.case_id == case_id))).scalars()
        assert (stored.details, stored.total, list(notes)) == ({"k": "v"}, 4, [note_id])


async def test_rows_of_one_shape_share_one_insert_whatever_their_number(
    engine: AsyncEngine,
) -> None:
    """Arrays (one per value) instead of a VALUES list: one statement text for 1 or 3 rows,
    JSON and array columns (empty or NULL) intact, the suffix applied to every row."""
    sessions = create_session_factory(engine)
    ids = [uuid.uuid4() for _ in range(3)]

    def row(case_id: uuid.UUID, tags: list[str] | None, total: int) -> Row:
        values = {"id": case_id, "details": {"n": total}, "tags": tags, "t": total}
        return Row(case, values, {"total": ":t::int"}, "ON CONFLICT (id) DO NOTHING")

    async with sessions() as session, session.begin():
        connection = await driver_connection(session)
        with statements_sent(connection, SCHEMA) as statements:
            await insert_rows(session, [row(ids[0], ["a", "b'c"], 1)])
            await insert_rows(
                session,
                [row(ids[1], [], 2), row(ids[2], None, 3), row(ids[0], ["again"], 9)],
            )
    assert len(statements) == 2
    assert statements[0] == statements[1]
    async with engine.connect() as conn:
        query = select(case.c.id, case.c.details, case.c.tags, case.c.total)
        stored = {r.id: (r.details, r.tags, r.total) for r in await conn.execute(query)}
    assert [stored[case_id] for case_id in ids] == [
        ({"n": 1}, ["a", "b'c"], 1),  # the conflicting third row left it as it was
        ({"n": 2}, [], 2),
        ({"n": 3}, None, 3),
    ]


async def test_a_lost_pooled_connection_is_not_given_back_to_the_pool(
    engine: AsyncEngine,
) -> None:
    single = create_async_engine(engine.url, pool_size=1, max_overflow=0)  # one to reuse

    async def lose_it() -> None:
        async with pooled_driver_connection(single) as connection:
            pid = connection.get_server_pid()
            async with engine.connect() as other:  # as a PostgreSQL restart would
                # wait_for: return once the backend is gone, not merely signalled
                await other.execute(select(func.pg_terminate_backend(pid, 5000)))
            await connection.fetchval("SELECT 1")

    try:
        with pytest.raises((asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError)):
            await lose_it()
        async with pooled_driver_connection(single) as connection:  # a live one, not the dead
            assert await connection.fetchval("SELECT 1") == 1
    finally:
        await single.dispose()


async def test_pooled_connections_closed_while_idle_are_dropped_at_checkout(
    engine: AsyncEngine,
) -> None:
    """After a PostgreSQL restart the idle pooled connections are dead: none may fail a caller."""
    pool = create_async_engine(engine.url, pool_size=3, max_overflow=0)
    try:
        async with (
            pooled_driver_connection(pool) as a,
            pooled_driver_connection(pool) as b,
            pooled_driver_connection(pool) as c,
        ):
            pids = [a.get_server_pid(), b.get_server_pid(), c.get_server_pid()]
        async with engine.connect() as other:
            for pid in pids:
                await other.execute(select(func.pg_terminate_backend(pid, 5000)))
        await asyncio.sleep(0.2)  # the client sees each socket close
        for _ in range(3):
            async with pooled_driver_connection(pool) as connection:
                assert await connection.fetchval("SELECT 1") == 1
                assert connection.get_server_pid() not in pids
    finally:
        await pool.dispose()


async def test_a_connection_left_inside_a_transaction_is_not_given_back(
    engine: AsyncEngine,
) -> None:
    """As when a cancellation interrupts asyncpg's own rollback: the next user of the pool must
    not inherit the open transaction, its locks or its tenant."""
    single = create_async_engine(engine.url, pool_size=1, max_overflow=0)
    try:
        async with pooled_driver_connection(single) as connection:
            await connection.transaction().start()  # never committed nor rolled back
            await connection.execute("SELECT set_config('app.tenant_id', '23077', true)")
            left = connection.get_server_pid()
        async with pooled_driver_connection(single) as connection:
            assert not connection.is_in_transaction()
            assert connection.get_server_pid() != left
            assert await connection.fetchval("SELECT current_setting('app.tenant_id', true)") in (
                None,
                "",
            )
    finally:
        await single.dispose()


async def test_a_cancelled_user_never_gives_its_connection_back(engine: AsyncEngine) -> None:
    """Cancelled mid-statement (a client gone, a timeout): the connection may be cut short in
    the protocol, so it is discarded; a refusal of the caller's keeps it pooled."""
    single = create_async_engine(engine.url, pool_size=1, max_overflow=0)

    async def slow() -> None:
        async with pooled_driver_connection(single) as connection:
            await connection.execute("SELECT pg_sleep(5)")

    try:
        async with pooled_driver_connection(single) as connection:
            first = connection.get_server_pid()
        with pytest.raises(KeyError):
            async with pooled_driver_connection(single) as connection:
                raise KeyError("refused")
        async with pooled_driver_connection(single) as connection:
            assert connection.get_server_pid() == first  # kept after the refusal
        task = asyncio.create_task(slow())
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with pooled_driver_connection(single) as connection:
            assert connection.get_server_pid() != first
            assert await connection.fetchval("SELECT 1") == 1
    finally:
        await single.dispose()


async def test_values_keep_their_meaning_over_arrays(engine: AsyncEngine) -> None:
    """An int among floats feeding an expression is not truncated to an int array; a JSON
    column's None is JSON null (its column is NOT NULL), as SQLAlchemy writes it."""
    sessions = create_session_factory(engine)
    whole, half = uuid.uuid4(), uuid.uuid4()
    rows = [
        Row(case, {"id": case_id, "details": None, "v": v}, {"total": "(:v * 10)::int"})
        for case_id, v in ((whole, 1), (half, 2.5))
    ]
    async with sessions() as session, session.begin():
        await insert_rows(session, rows)
    async with engine.connect() as conn:
        query = select(case.c.id, case.c.total, func.jsonb_typeof(case.c.details))
        stored = {r[0]: tuple(r[1:]) for r in await conn.execute(query)}
    assert (stored[whole], stored[half]) == ((10, "null"), (25, "null"))
    mixed = [Row(case, {"id": uuid.uuid4(), "details": {}, "v": v}, {"total": ":v::int"})
             for v in (1, "2")]  # fmt: skip
    async with sessions() as session, session.begin():
        with pytest.raises(TypeError, match="several types"):
            await insert_rows(session, mixed)


async def test_a_bound_statement_writes_its_rows_under_its_tenant_and_only_itself(
    engine: AsyncEngine,
) -> None:
    """The tenant is set before any row is written (each row reads it), and only for the
    statement's own transaction: the pooled connection carries no tenant on."""
    ids = [uuid.uuid4(), uuid.uuid4()]
    async with pooled_driver_connection(engine) as connection:
        with statements_sent(connection, SCHEMA) as statements:
            written = await send_rows(
                connection, [Row(stamped, {"id": row_id}) for row_id in ids], tenant="23077"
            )
        after = await connection.fetchval(f"SELECT current_setting('{TENANT_SETTING}', true)")
    assert (written, len(statements), after or None) == (True, 1, None)
    async with engine.connect() as conn:
        tenants = await conn.execute(select(stamped.c.tenant).where(stamped.c.id.in_(ids)))
        assert list(tenants.scalars()) == ["23077", "23077"]


async def test_a_taken_claim_writes_nothing_else(engine: AsyncEngine) -> None:
    key = str(uuid.uuid4())

    async def claim_and_write(case_id: uuid.UUID) -> bool:
        claim = Row(claims, {"key": key, "payload": {"case": str(case_id)}})
        rows = [Row(case, {"id": case_id, "details": {}, "total": 1}),
                Row(note, {"id": uuid.uuid4(), "case_id": case_id})]  # fmt: skip
        async with pooled_driver_connection(engine) as connection:
            return await send_rows(connection, rows, tenant="23077", claim=claim)

    first, second = uuid.uuid4(), uuid.uuid4()
    assert await claim_and_write(first) is True
    assert await claim_and_write(second) is False
    async with engine.connect() as conn:
        cases = set((await conn.execute(select(case.c.id))).scalars())
        notes = set((await conn.execute(select(note.c.case_id))).scalars())
        payload = (await conn.execute(select(claims.c.payload).where(claims.c.key == key))).one()
    assert (first in cases, second in cases, first in notes, second in notes) == (
        True, False, True, False
    )  # fmt: skip
    assert payload == ({"case": str(first)},)


async def test_committed_events_are_handed_over_once_written_and_only_then(
    engine: AsyncEngine,
) -> None:
    key = str(uuid.uuid4())

    def event() -> Envelope:
        merged = CaseMerged(case_id=uuid7(), case_number="X-1", supporters=1, merged_at=NOW)
        return Envelope.build(merged, tenant_id="23077", correlation_id=uuid7())

    handed: list[QueuedEvent] = []
    claim = Row(claims, {"key": key, "payload": {}})
    first, second = event(), event()
    async with pooled_driver_connection(engine) as connection:
        assert await commit_with_events(connection, handed.extend, [], outbox, [first], claim=claim)
        assert not await commit_with_events(
            connection, handed.extend, [], outbox, [second], claim=claim
        )
        async with connection.transaction():
            with pytest.raises(RuntimeError, match="not inside a transaction"):
                await commit_with_events(connection, handed.extend, [], outbox, [second])
    assert [queued.id for queued in handed] == [first.id]
    async with engine.connect() as conn:
        queued = (await conn.execute(select(outbox.c.id, outbox.c.payload))).all()
    assert [(row.id, bytes(row.payload)) for row in queued] == [(first.id, first.to_bytes())]
