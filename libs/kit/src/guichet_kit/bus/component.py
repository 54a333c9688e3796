"""The bus as an app component (`guichet_kit.app.Component`).

Place it after `DatabaseComponent`: it uses ``app.state.engine`` (relay, inbox pruning) and
``app.state.session_factory`` (consumers). `start` returns at once; a background task
connects (retrying forever), provisions the streams it produces into and reads from, and its
consumers (retrying on failure), then runs the relay and the
consumers. Readiness fails until all of that is up and while NATS is unreachable.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from guichet_kit.app.components import ReadinessCheck
from guichet_kit.bus.backoff import backoff_delay
from guichet_kit.bus.connection import NatsConnection
from guichet_kit.bus.consumer import ConsumerSpec, EventConsumer
from guichet_kit.bus.handover import hand_over_on_commit
from guichet_kit.bus.inbox import prune_inbox
from guichet_kit.bus.outbox import QueuedEvent
from guichet_kit.bus.relay import OutboxRelay
from guichet_kit.bus.subjects import DEADLETTER, StreamSpec, ensure_streams
from guichet_kit.settings import KitSettings

logger = logging.getLogger(__name__)


class BusNotReadyError(RuntimeError):
    """The bus is still connecting or provisioning, or one of its workers has stopped."""


class BusComponent:
    name = "nats"

    def __init__(
        self,
        settings: KitSettings,
        *,
        streams: Sequence[StreamSpec] = (),
        outbox: Table | None = None,
        inbox: Table | None = None,
        consumers: Sequence[ConsumerSpec] = (),
        relay_batch_size: int = 256,
        relay_poll_interval: float = 1.0,
        inbox_retention: timedelta = timedelta(days=45),
        stop_timeout: float = 10.0,
    ) -> None:
        """`streams`: the streams this service produces into; the streams its consumers read
        (and DEADLETTER when it has consumers) are provisioned too. `inbox_retention` must
        exceed the max_age of the consumed streams."""
        if consumers and inbox is None:
            raise ValueError("consumers need an inbox table")
        self._settings = settings
        consumed = [spec.stream for spec in consumers]
        self._streams = _unique([*streams, *consumed, *([DEADLETTER] if consumers else [])])
        self._outbox = outbox
        self._inbox = inbox
        self._consumer_specs = list(consumers)
        self._relay_batch_size = relay_batch_size
        self._relay_poll_interval = relay_poll_interval
        self._inbox_retention = inbox_retention
        self._stop_timeout = stop_timeout
        self._connection: NatsConnection | None = None
        self._boot: asyncio.Task[None] | None = None
        self.relay: OutboxRelay | None = None
        self.consumers: list[EventConsumer] = []
        self._workers: list[asyncio.Task[None]] = []
        self._pruner: asyncio.Task[None] | None = None

    async def start(self, app: FastAPI) -> None:
        engine: AsyncEngine | None = getattr(app.state, "engine", None)
        sessions: async_sessionmaker[AsyncSession] | None = getattr(
            app.state, "session_factory", None
        )
        needs_db = self._outbox is not None or self._inbox is not None
        if needs_db and (engine is None or sessions is None):
            raise RuntimeError("BusComponent must come after DatabaseComponent")
        if self._outbox is not None and sessions is not None:
            hand_over_on_commit(sessions, self._hand_over)
            app.state.hand_over = self._hand_over
        self._connection = NatsConnection(self._settings.nats_url, name=self._settings.service_name)
        self._boot = asyncio.create_task(self._boot_up(engine, sessions), name="bus-boot")

    def _hand_over(self, events: Sequence[QueuedEvent]) -> None:
        if self.relay is not None:  # not yet: its first poll relays what is there
            self.relay.committed(events)

    async def _boot_up(
        self, engine: AsyncEngine | None, sessions: async_sessionmaker[AsyncSession] | None
    ) -> None:
        assert self._connection is not None
        try:
            await self._connection.connect()
        except Exception:
            logger.exception("bus failed to connect")
            raise
        js = self._connection.js
        await _retry("stream provisioning", lambda: ensure_streams(js, self._streams))
        if self._outbox is not None and engine is not None:
            self.relay = OutboxRelay(
                engine,
                js,
                self._outbox,
                batch_size=self._relay_batch_size,
                poll_interval=self._relay_poll_interval,
            )
            self._spawn(self.relay.run(), "outbox-relay")
        if self._inbox is not None and engine is not None and sessions is not None:
            for spec in self._consumer_specs:
                consumer = EventConsumer(js, sessions, self._inbox, spec)
                await _retry(f"consumer {spec.durable}", consumer.ensure)
                self.consumers.append(consumer)
                self._spawn(consumer.run(), f"consumer-{spec.durable}")
            self._pruner = asyncio.create_task(
                self._prune_inbox_forever(engine, self._inbox), name="inbox-pruner"
            )
        logger.info(
            "bus running",
            extra={"relay": self.relay is not None, "consumers": len(self.consumers)},
        )

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self._workers.append(asyncio.create_task(work, name=name))

    async def _prune_inbox_forever(self, engine: AsyncEngine, inbox: Table) -> None:
        while True:
            try:
                async with engine.begin() as conn:
                    pruned = await prune_inbox(conn, inbox, self._inbox_retention)
                logger.info("inbox pruned", extra={"rows": pruned})
            except Exception:
                logger.exception("inbox pruning failed")
            await asyncio.sleep(3600)

    async def stop(self, app: FastAPI) -> None:
        """Let the relay settle its batch and consumers finish their message, then close."""
        for idle in (self._boot, self._pruner):
            if idle is not None and not idle.done():
                idle.cancel()
        if self.relay is not None:
            self.relay.stop()
        for consumer in self.consumers:
            consumer.stop()
        tasks = [t for t in (self._boot, self._pruner, *self._workers) if t is not None]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=self._stop_timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._connection is not None:
            await self._connection.close()
        self._boot = self._pruner = self.relay = None
        self._workers, self.consumers = [], []

    def readiness_check(self) -> ReadinessCheck:
        return ReadinessCheck(self.name, self._check)

    async def _check(self) -> None:
        if self._connection is None or self._boot is None:
            raise BusNotReadyError("bus component not started")
        if not self._boot.done():
            raise BusNotReadyError("bus still connecting or provisioning")
        if self._boot.cancelled() or self._boot.exception() is not None:
            raise BusNotReadyError("bus failed to start")
        workers = [*self._workers, *([self._pruner] if self._pruner else [])]
        stopped = [t.get_name() for t in workers if t.done()]
        if stopped:
            raise BusNotReadyError(f"bus workers stopped: {', '.join(stopped)}")
        await self._connection.check()


def _unique(streams: Sequence[StreamSpec]) -> list[StreamSpec]:
    by_name: dict[str, StreamSpec] = {}
    for spec in streams:
        if by_name.setdefault(spec.name, spec) != spec:
            raise ValueError(f"stream {spec.name} is declared twice with different settings")
    return list(by_name.values())


async def _retry(what: str, step: Callable[[], Awaitable[None]]) -> None:
    attempt = 0
    while True:
        try:
            await step()
            return
        except Exception as exc:
            delay = backoff_delay(attempt, base=0.5, cap=30.0)
            logger.warning("bus %s failed, retrying in %.1fs: %s", what, delay, exc)
            await asyncio.sleep(delay)
            attempt += 1
