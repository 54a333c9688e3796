"""Outbox relay: moves committed outbox rows to JetStream.

One relay per replica is safe: rows are claimed with `FOR UPDATE SKIP LOCKED` and stay
locked while their publishes are in flight. A crash after publishing but before the
delete commits republishes those rows; JetStream drops them (`Nats-Msg-Id` = event id,
inside the stream's duplicate window) and consumer inboxes cover anything older.
Events committed by this process are handed over at once (`committed`, wired by
`guichet_kit.bus.handover`): the relay publishes them from memory and deletes the acknowledged rows
in one statement, without reading them back (ADR 0015). It also polls the table, claiming rows
with `FOR UPDATE SKIP LOCKED`, for rows committed by another process (another replica, a
crashed one, a CLI) and for rows whose hand-over publish failed. A row published both ways is
dropped by JetStream as a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from uuid import UUID

import asyncpg
import nats.errors
from nats.js import JetStreamContext
from nats.js.api import PubAck
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_kit.bus.backoff import backoff_delay
from guichet_kit.bus.outbox import QueuedEvent
from guichet_kit.db.driver import pooled_driver_connection
from guichet_kit.db.identifiers import checked_identifier
from guichet_kit.errors.unavailable import unavailable_dependency

logger = logging.getLogger(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"
_HANDED_OVER_CAP = 10_000  # events waiting in memory (NATS down): the rest wait for the poll
_ERROR_MAX_LENGTH = 1000


@dataclass(frozen=True)
class _Pending:
    id: UUID
    subject: str
    payload: bytes
    headers: dict[str, str]
    attempts: int = 0


@dataclass(frozen=True)
class _Failure:
    id: UUID
    error: str
    delay: float  # seconds before the row is tried again


@dataclass(frozen=True)
class _Statements:
    claim: str
    delete: str
    retry_later: str


@cache
def _statements(table: Table) -> _Statements:
    name = f"{checked_identifier(table.schema)}.{table.name}" if table.schema else table.name
    return _Statements(
        claim=(
            f"SELECT id, subject, payload, headers::text, attempts FROM {name} "  # noqa: S608
            "WHERE available_at <= now() ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED"
        ),
        # Losing this commit in a crash only means republishing rows JetStream will drop as
        # duplicates: no need to wait for the WAL flush (set in the same round trip).
        # The locked ids are gathered once into an array: as `id IN (subquery)` the planner,
        # believing the outbox (always nearly empty) holds one row, ran the locking subquery
        # once per deleted row, quadratic in the batch (55 ms for ~70 rows under load).
        delete=(
            f"WITH gone AS (DELETE FROM {name} WHERE id = ANY(ARRAY(SELECT id FROM {name} "  # noqa: S608
            "WHERE id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED))) "
            "SELECT set_config('synchronous_commit', 'off', true)"
        ),
        retry_later=(
            f"UPDATE {name} AS o SET attempts = o.attempts + 1, last_error = f.error, "  # noqa: S608
            "available_at = now() + make_interval(secs => f.delay) "
            "FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS f(id, error, delay) "
            "WHERE o.id = f.id"
        ),
    )


@dataclass
class RelayStats:
    published: int = 0
    duplicates: int = 0  # PubAcks flagged duplicate: a republish JetStream dropped
    failed: int = 0


def _acked(result: PubAck | BaseException) -> bool:
    return not isinstance(result, BaseException)


def _outcome(
    sent: asyncio.Future[PubAck] | BaseException, timeout: float
) -> PubAck | BaseException:
    if isinstance(sent, BaseException):
        return sent
    if sent.cancelled():
        return TimeoutError(f"no PubAck within {timeout}s")
    return sent.exception() or sent.result()


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        js: JetStreamContext,
        table: Table,
        *,
        batch_size: int = 256,
        poll_interval: float = 1.0,
        linger: float = 0.005,
        publish_timeout: float = 5.0,
        retry_base: float = 0.2,
        retry_cap: float = 30.0,
    ) -> None:
        """`linger`: once woken, how long the relay lets further commits join the batch (a
        round costs a round trip to PostgreSQL whatever its size). `retry_cap` must stay well
        under the streams' duplicate window so a row whose PubAck was lost is still
        de-duplicated when retried."""
        self._engine = engine
        self._js = js
        self._table = table
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._linger = linger
        self._publish_timeout = publish_timeout
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._handed_over: list[_Pending] = []
        self.stats = RelayStats()

    def committed(self, events: Iterable[QueuedEvent]) -> None:
        """These events' rows were just committed: publish them now, from memory."""
        room = _HANDED_OVER_CAP - len(self._handed_over)  # beyond: left to the poll
        self._handed_over.extend(
            _Pending(e.id, e.subject, e.payload, dict(e.headers)) for e in list(events)[:room]
        )
        self._wake.set()

    def stop(self) -> None:
        """Ask the loop to return after the batch in flight is settled."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        failures = 0
        next_poll = 0.0
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                if self._handed_over:
                    await self.relay_handed_over()
                if time.monotonic() >= next_poll:
                    claimed, all_ok = await self.relay_once()
                    full = claimed == self._batch_size and all_ok
                    next_poll = 0.0 if full else time.monotonic() + self._poll_interval
                failures = 0
            except Exception as exc:
                dependency = unavailable_dependency(exc)
                if dependency is None:
                    logger.exception("outbox relay batch failed")
                else:  # an outage: one line per retry, not a traceback
                    logger.warning("outbox relay waits for the %s: %s: %s", dependency,
                                   type(exc).__name__, exc)  # fmt: skip
                failures += 1
                await self._pause(self._retry_delay(failures))
                continue
            if self._handed_over:
                continue
            await self._pause(max(0.0, next_poll - time.monotonic()))
            await asyncio.sleep(self._linger)

    async def relay_handed_over(self) -> None:
        """Publish up to a batch of the events handed over, then delete the acknowledged
        rows in one statement. After a failed publish, every event still in memory is left
        to the poll, which retries with backoff (its rows are in the table)."""
        batch = self._handed_over[: self._batch_size]
        del self._handed_over[: self._batch_size]
        results = await self._publish(batch)
        done = [row.id for row, result in zip(batch, results, strict=True) if _acked(result)]
        if done:
            async with pooled_driver_connection(self._engine) as conn:
                await conn.execute(_statements(self._table).delete, done)
        if len(done) < len(batch):
            # NATS is failing (reconnecting, buffer full): leave everything to the poll, which
            # retries with backoff, instead of spinning through the queue in memory.
            left = len(batch) - len(done) + len(self._handed_over)
            self._handed_over.clear()
            first = next(r for r in results if not _acked(r))
            logger.warning("%d handed-over events not published, left for the poll: %s",
                           left, first)  # fmt: skip
        self._count(results)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def relay_once(self) -> tuple[int, bool]:
        """Claim, publish and settle one batch in one transaction (on the driver: this runs
        for every batch of every service). Returns (rows claimed, whether every publish was
        acknowledged)."""
        statements = _statements(self._table)
        async with pooled_driver_connection(self._engine) as conn, conn.transaction():
            rows = [
                _Pending(row[0], row[1], row[2], json.loads(row[3]), row[4])
                for row in await conn.fetch(statements.claim, self._batch_size)
            ]
            if not rows:
                return 0, True
            results = await self._publish(rows)
            await self._settle(conn, statements, rows, results)
        return len(rows), all(_acked(r) for r in results)

    async def _publish(self, rows: Sequence[_Pending]) -> list[PubAck | BaseException]:
        """Send every row without waiting, then wait up to `publish_timeout` for all the
        PubAcks; a row without an answer by then counts as failed."""
        sent: list[asyncio.Future[PubAck] | BaseException] = []
        try:
            for row in rows:
                sent.append(await self._send(row))
            acks = [s for s in sent if isinstance(s, asyncio.Future)]
            if acks:
                await asyncio.wait(acks, timeout=self._publish_timeout)
        finally:
            for ack in sent:
                if isinstance(ack, asyncio.Future) and not ack.done():
                    ack.cancel()  # frees its slot in the client's pending-acks window
        return [_outcome(s, self._publish_timeout) for s in sent]

    async def _send(self, row: _Pending) -> asyncio.Future[PubAck] | BaseException:
        headers = {**row.headers, MSG_ID_HEADER: str(row.id)}
        try:
            return await self._js.publish_async(row.subject, row.payload, headers=headers)
        except nats.errors.Error as exc:  # closed connection, full reconnect buffer, ...
            return exc

    async def _settle(
        self,
        conn: asyncpg.Connection,
        statements: _Statements,
        rows: Sequence[_Pending],
        results: list[PubAck | BaseException],
    ) -> None:
        done = [row.id for row, result in zip(rows, results, strict=True) if _acked(result)]
        failed = [
            self._failure(row, result)
            for row, result in zip(rows, results, strict=True)
            if isinstance(result, BaseException)
        ]
        if done:
            await conn.execute(statements.delete, done)
        if failed:
            await conn.execute(
                statements.retry_later,
                [f.id for f in failed],
                [f.error for f in failed],
                [f.delay for f in failed],
            )
            logger.warning(
                "outbox publish failed for %d of %d rows, first error: %s",
                len(failed),
                len(rows),
                failed[0].error,
            )
        self._count(results)

    def _count(self, results: Sequence[PubAck | BaseException]) -> None:
        for result in results:
            if isinstance(result, BaseException):
                self.stats.failed += 1
            else:
                self.stats.published += 1
                self.stats.duplicates += bool(result.duplicate)

    def _retry_delay(self, attempt: int) -> float:
        return backoff_delay(attempt, base=self._retry_base, cap=self._retry_cap)

    def _failure(self, row: _Pending, exc: BaseException) -> _Failure:
        error = f"{type(exc).__name__}: {exc}"[:_ERROR_MAX_LENGTH]
        return _Failure(row.id, error, self._retry_delay(row.attempts))
