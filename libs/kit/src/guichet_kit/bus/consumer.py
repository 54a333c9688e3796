"""Durable pull consumer: one transaction per event, ack only after it commits.

For each message: parse the envelope (unusable → dead letter at once), open a transaction,
set the tenant, claim `(durable, event id)` in the inbox, run the handler unless the claim
says it already ran, commit, then ack. A failing handler rolls back and the message is
nak'ed with a growing delay; at `max_deliver` it goes to `deadletter.<durable>` with the
error in headers and is terminated.

With `ConsumerSpec.shared_transaction`, a fetched batch is first handled in one transaction
(one BEGIN/COMMIT and one inbox statement for all its events, the tenant bound anew before
each tenant's events): far fewer round trips under load. A `batch_handler` then gets
each tenant's events at once, to handle them set-based (one statement for many events).
If anything in it fails, the whole batch rolls back and each event is handled alone as
above, so only the failing one is retried. Only for
handlers whose every effect is in this database: an effect elsewhere (an e-mail, a file)
could happen twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from guichet_contracts.envelope import Envelope
from guichet_kit.bus.backoff import backoff_delay
from guichet_kit.bus.deadletter import DeadLetter, publish_dead_letter
from guichet_kit.bus.inbox import claim, claim_many
from guichet_kit.bus.subjects import StreamSpec, deadletter_subject
from guichet_kit.db.tenancy import set_tenant, tenant_transaction
from guichet_kit.errors.unavailable import unavailable_dependency
from guichet_kit.logging.context import correlation_id_var, tenant_id_var

logger = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]
# Events of one tenant, in stream order, the session bound to that tenant.
BatchHandler = Callable[[AsyncSession, Sequence[Envelope]], Awaitable[None]]


# True while a handler runs on its event's last delivery (the one after which a failure is
# dead-lettered): a handler that waits for something by failing can give up then instead.
last_delivery_var: ContextVar[bool] = ContextVar("guichet_last_delivery", default=False)


def last_delivery() -> bool:
    """Whether the event being handled is on its last delivery (never within a shared batch:
    an event of it that fails is retried alone, where this can be true)."""
    return last_delivery_var.get()


class InvalidEventError(ValueError):
    """The message can never be handled: not an envelope, or not on its own subject."""


@dataclass(frozen=True)
class ConsumerSpec:
    """What a service declares per consumer. `backoff[i]` is the nak delay after the
    (i+1)-th failed delivery (the last value repeats)."""

    durable: str
    stream: StreamSpec
    filter_subjects: tuple[str, ...]
    handler: Handler | None = None
    max_deliver: int = 5
    backoff: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)
    ack_wait: float = 30.0
    max_ack_pending: int = 1000
    batch: int = 10
    fetch_timeout: float = 5.0
    shared_transaction: bool = False
    # After a batch smaller than `batch`, wait this long before fetching again: under a steady
    # flow each fetch and transaction then carries several events instead of one (a round
    # costs about the same whatever it carries; docs/architecture.md).
    linger: float = 0.04
    # Instead of `handler`: gets a tenant's events of a batch together (a single event when
    # handled alone).
    batch_handler: BatchHandler | None = None

    def __post_init__(self) -> None:
        if self.max_deliver < 1 or not self.backoff or not self.filter_subjects:
            raise ValueError("max_deliver >= 1, a backoff and filter subjects are required")
        if (self.handler is None) == (self.batch_handler is None):
            raise ValueError("a consumer needs a handler or a batch_handler, not both")
        deadletter_subject(self.durable)  # the durable must be a valid subject token

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            name=self.durable,
            durable_name=self.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            # One spare delivery: if the process dies during the last attempt, the next
            # delivery still reaches us and can be dead-lettered instead of silently dropped.
            max_deliver=self.max_deliver + 1,
            max_ack_pending=self.max_ack_pending,
            filter_subjects=list(self.filter_subjects),
        )

    def nak_delay(self, delivered: int) -> float:
        return self.backoff[min(delivered, len(self.backoff)) - 1]


def is_transient(exc: BaseException) -> bool:
    """The database or the network failed, not the event (a refused or lost connection,
    a PostgreSQL restart): worth retrying without end, never worth a dead letter."""
    return unavailable_dependency(exc) is not None


def parse_envelope(msg: Msg) -> Envelope:
    try:
        envelope = Envelope.from_bytes(msg.data)
    except ValidationError as exc:
        raise InvalidEventError(f"not a valid envelope: {exc.error_count()} errors") from exc
    if msg.subject != envelope.subject:
        raise InvalidEventError(f"envelope belongs on {envelope.subject}, not {msg.subject}")
    return envelope


async def _flush_pending(session: AsyncSession) -> None:
    if session.new or session.dirty or session.deleted:
        await session.flush()


def _first_copies(envelopes: Sequence[Envelope], claimed: set[UUID]) -> list[Envelope]:
    """The events claimed now, each once: a second copy in the batch is skipped."""
    seen: set[UUID] = set()
    kept = []
    for envelope in envelopes:
        if envelope.id in claimed and envelope.id not in seen:
            seen.add(envelope.id)
            kept.append(envelope)
    return kept


class EventConsumer:
    def __init__(
        self,
        js: JetStreamContext,
        session_factory: async_sessionmaker[AsyncSession],
        inbox: Table,
        spec: ConsumerSpec,
    ) -> None:
        self._js = js
        self._session_factory = session_factory
        self._inbox = inbox
        self.spec = spec
        self._stopping = asyncio.Event()

    async def ensure(self) -> None:
        """Create the durable consumer or update its configuration."""
        await self._js.add_consumer(self.spec.stream.name, self.spec.config())

    def stop(self) -> None:
        """Return from `run()` after the message in hand; the rest of the batch is nak'ed."""
        self._stopping.set()

    async def run(self) -> None:
        sub = await self._js.pull_subscribe_bind(
            durable=self.spec.durable, stream=self.spec.stream.name
        )
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    msgs = await self._fetch(sub)
                    failures = 0
                except TimeoutError:
                    continue
                except Exception as exc:  # disconnected, consumer deleted, ...: keep trying
                    failures += 1
                    logger.warning("fetch failed on %s: %s", self.spec.durable, exc)
                    await self._sleep(backoff_delay(failures, base=0.1, cap=30.0))
                    continue
                await self._handle_batch(msgs)
                if len(msgs) < self.spec.batch:
                    await self._sleep(self.spec.linger)
        finally:
            with contextlib.suppress(nats.errors.Error):
                await sub.unsubscribe()

    async def _fetch(self, sub: JetStreamContext.PullSubscription) -> list[Msg]:
        """Fetch a batch, giving up early if stop() is called while waiting."""
        fetch = asyncio.ensure_future(sub.fetch(self.spec.batch, timeout=self.spec.fetch_timeout))
        stopped = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not fetch.done():
                fetch.cancel()  # takes effect later: the fetch is not done yet below
        if not fetch.done() or fetch.cancelled():
            return []
        return fetch.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _handle_batch(self, msgs: Sequence[Msg]) -> None:
        keep_alive = asyncio.create_task(self._keep_alive(msgs))
        try:
            parsed = [(msg, envelope) for msg in msgs if (envelope := await self._parse(msg))]
            if (
                self.spec.shared_transaction
                and len(parsed) > 1
                and not self._stopping.is_set()
                and await self._process_together([envelope for _, envelope in parsed])
            ):
                for msg, envelope in parsed:
                    await self._ack(msg, envelope)
                return
            for msg, envelope in parsed:
                if self._stopping.is_set():
                    await self._release(msg)
                    continue
                try:
                    await self._handle(msg, envelope)
                except Exception:
                    # Unsettled: JetStream redelivers it after ack_wait.
                    logger.exception("unexpected error handling %s", msg.subject)
        finally:
            keep_alive.cancel()

    async def _keep_alive(self, msgs: Sequence[Msg]) -> None:
        """Tell the server every unsettled message of the batch is still being worked on,
        so a long handler doesn't get its message (or the ones queued behind it)
        redelivered elsewhere."""
        while True:
            await asyncio.sleep(self.spec.ack_wait / 3)
            for msg in msgs:
                if not msg.is_acked:
                    with contextlib.suppress(nats.errors.Error):
                        await msg.in_progress()

    async def _release(self, msg: Msg) -> None:
        with contextlib.suppress(nats.errors.Error):
            await msg.nak()

    async def _parse(self, msg: Msg) -> Envelope | None:
        """The message's envelope; an unusable message is dead-lettered at once (None)."""
        try:
            return parse_envelope(msg)
        except InvalidEventError as exc:
            logger.error("invalid event on %s: %s", msg.subject, exc)
            await self._give_up(msg, "invalid-event", exc)
            return None

    async def _handle(self, msg: Msg, envelope: Envelope) -> None:
        last = last_delivery_var.set(msg.metadata.num_delivered >= self.spec.max_deliver)
        try:
            await self._handle_until_settled(msg, envelope)
        finally:
            last_delivery_var.reset(last)

    async def _handle_until_settled(self, msg: Msg, envelope: Envelope) -> None:
        """Handle, ack. While the database or network is down the same delivery is retried
        here (the batch's keep-alive holds it): an outage spends no delivery, so it can
        never push a good event into the dead letters."""
        outage = 0
        while True:
            try:
                await self._process(envelope)
            except Exception as exc:
                if is_transient(exc) and not self._stopping.is_set():
                    outage += 1
                    delay = backoff_delay(outage, base=0.5, cap=30.0)
                    logger.warning("event %s waits for the database (%s), retrying in %.1fs",
                                   envelope.id, exc, delay)  # fmt: skip
                    await self._sleep(delay)
                    continue
                if is_transient(exc):
                    await self._release(msg)  # stopping: another replica takes it
                else:
                    await self._on_failure(msg, envelope, exc)
                return
            await self._ack(msg, envelope)
            return

    async def _ack(self, msg: Msg, envelope: Envelope) -> None:
        try:
            await msg.ack()
        except nats.errors.Error as exc:
            # Committed already: a redelivery will be skipped by the inbox.
            logger.warning("ack failed for event %s: %s", envelope.id, exc)

    async def _process_together(self, envelopes: Sequence[Envelope]) -> bool:
        """Handle the batch in one transaction; False (rolled back) if anything failed.
        Sorted by tenant, stably: each tenant's events keep their order, and replicas take
        row locks in the same order."""
        ordered = sorted(envelopes, key=lambda envelope: envelope.tenant_id)
        tenant = tenant_id_var.set(None)  # set_tenant tags logs: not beyond this batch
        try:
            async with self._session_factory() as session, session.begin():
                # The first statement opens the transaction: the first tenant's binding
                # (through SQLAlchemy), so the claim can go straight to the driver.
                bound = ordered[0].tenant_id
                await set_tenant(session, bound)
                ids = [envelope.id for envelope in ordered]
                fresh = await claim_many(session, self._inbox, self.spec.durable, ids)
                claimed = _first_copies(ordered, fresh)
                for tenant_id, group in itertools.groupby(claimed, lambda e: e.tenant_id):
                    if tenant_id != bound:
                        await set_tenant(session, tenant_id)
                        bound = tenant_id
                    await self._run_handlers(session, list(group))
        except Exception as exc:
            logger.info("batch of %d on %s rolled back (%s): one by one", len(ordered),
                        self.spec.durable, exc)  # fmt: skip
            return False
        finally:
            tenant_id_var.reset(tenant)
        return True

    async def _run_handlers(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        """One tenant's events, the session bound to it: each is written before the next
        tenant is bound."""
        tenant = tenant_id_var.set(envelopes[0].tenant_id)
        try:
            if self.spec.batch_handler is not None:
                # Logs name the correlation of a lone event; a batch handler names its events.
                single = str(envelopes[0].correlation_id) if len(envelopes) == 1 else None
                correlation = correlation_id_var.set(single)
                try:
                    await self.spec.batch_handler(session, envelopes)
                finally:
                    correlation_id_var.reset(correlation)
                await _flush_pending(session)
            else:
                for envelope in envelopes:
                    await self._run_handler(session, envelope)
                    await _flush_pending(session)  # the next event's driver reads see it
        finally:
            tenant_id_var.reset(tenant)

    async def _run_handler(self, session: AsyncSession, envelope: Envelope) -> None:
        assert self.spec.handler is not None  # checked in ConsumerSpec
        correlation = correlation_id_var.set(str(envelope.correlation_id))
        try:
            await self.spec.handler(session, envelope)
        finally:
            correlation_id_var.reset(correlation)

    async def _process(self, envelope: Envelope) -> None:
        token = correlation_id_var.set(str(envelope.correlation_id))
        try:
            async with tenant_transaction(self._session_factory, envelope.tenant_id) as session:
                if await claim(session, self._inbox, self.spec.durable, envelope.id):
                    await self._run_handlers(session, [envelope])
                else:
                    logger.info("event %s already handled, skipping", envelope.id)
        finally:
            correlation_id_var.reset(token)

    async def _on_failure(self, msg: Msg, envelope: Envelope, exc: Exception) -> None:
        delivered = msg.metadata.num_delivered
        if delivered >= self.spec.max_deliver:
            logger.error(
                "event %s failed %d times on %s, dead-lettering",
                envelope.id,
                delivered,
                self.spec.durable,
                exc_info=exc,
            )
            await self._give_up(msg, "max-deliver", exc)
            return
        delay = self.spec.nak_delay(delivered)
        logger.warning(
            "event %s failed (delivery %d), retrying in %ss: %s",
            envelope.id,
            delivered,
            delay,
            exc,
            exc_info=exc,
        )
        with contextlib.suppress(nats.errors.Error):
            await msg.nak(delay=delay)

    async def _give_up(self, msg: Msg, reason: str, exc: Exception) -> None:
        """Dead-letter then terminate; if the dead letter can't be stored, keep the
        message (nak) so nothing is lost."""
        letter = DeadLetter.of(msg, consumer=self.spec.durable, reason=reason, error=exc)
        try:
            await publish_dead_letter(self._js, letter)
            await msg.term()
        except nats.errors.Error as publish_exc:
            logger.error("dead-lettering failed on %s: %s", self.spec.durable, publish_exc)
            with contextlib.suppress(nats.errors.Error):
                await msg.nak(delay=self.spec.backoff[-1])
