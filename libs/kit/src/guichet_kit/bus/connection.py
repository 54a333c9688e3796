"""One NATS connection per process, opened in the lifespan, reconnecting forever."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import nats.errors
from nats.aio.client import Client, Server
from nats.js import JetStreamContext

from guichet_kit.bus.backoff import jittered_delay

logger = logging.getLogger(__name__)


class NotConnectedError(RuntimeError):
    """The bus was used before `connect()` or after `close()`."""


class NatsConnection:
    """Owns the client: keeps trying to connect (until `connect_deadline`, if any), then
    reconnects forever with jittered exponential backoff; logs every disconnect, reconnect
    and asynchronous error."""

    def __init__(
        self,
        url: str | list[str],
        *,
        name: str,
        connect_deadline: float | None = None,
        reconnect_base: float = 0.1,
        reconnect_cap: float = 5.0,
        request_timeout: float = 5.0,
        ping_interval: int = 20,
        readiness_timeout: float = 1.0,
    ) -> None:
        self._servers = [url] if isinstance(url, str) else url
        self._name = name
        self._connect_deadline = connect_deadline
        self._reconnect_base = reconnect_base
        self._reconnect_cap = reconnect_cap
        self._request_timeout = request_timeout
        self._ping_interval = ping_interval
        self._readiness_timeout = readiness_timeout
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._closing = False

    @property
    def nc(self) -> Client:
        if self._nc is None:
            raise NotConnectedError("NATS connection not opened")
        return self._nc

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise NotConnectedError("NATS connection not opened")
        return self._js

    async def connect(self) -> None:
        """Connect, retrying until `connect_deadline` (None: forever); raises TimeoutError."""
        nc = Client()
        try:
            await asyncio.wait_for(self._open(nc), timeout=self._connect_deadline)
        except BaseException:
            await nc.close()
            raise
        self._nc = nc
        self._js = nc.jetstream(timeout=self._request_timeout)
        logger.info("nats connected to %s", _server(nc))

    async def _open(self, nc: Client) -> None:
        await nc.connect(
            servers=self._servers,
            name=self._name,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            reconnect_to_server_handler=self._next_server,
            ping_interval=self._ping_interval,
            max_outstanding_pings=3,
            error_cb=self._on_error,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
            closed_cb=self._on_closed,
        )

    def _next_server(
        self, servers: list[Server], _info: dict[str, Any]
    ) -> tuple[Server | None, float]:
        server = min(servers, key=lambda s: s.reconnects)
        base, cap = self._reconnect_base, self._reconnect_cap
        return server, jittered_delay(server.reconnects, base=base, cap=cap)

    async def _on_error(self, exc: Exception) -> None:
        logger.warning("nats error: %s", exc, extra={"error_type": type(exc).__name__})

    async def _on_disconnected(self) -> None:
        if self._closing:
            logger.info("nats disconnected (closing)")
        else:
            logger.warning("nats disconnected")

    async def _on_reconnected(self) -> None:
        logger.info("nats reconnected to %s", _server(self._nc))

    async def _on_closed(self) -> None:
        logger.info("nats connection closed")

    async def check(self) -> None:
        """Readiness probe: raises unless connected and the JetStream API answers."""
        if self._nc is None or self._js is None:
            raise NotConnectedError("NATS connection not opened")
        if not self._nc.is_connected:
            raise NotConnectedError("NATS disconnected, reconnecting")
        await asyncio.wait_for(self._js.account_info(), timeout=self._readiness_timeout)

    async def close(self) -> None:
        """Flush what is buffered and close. Safe to call twice."""
        nc, self._nc, self._js = self._nc, None, None
        if nc is None or nc.is_closed:
            return
        self._closing = True
        try:
            await nc.drain()
        except (TimeoutError, nats.errors.Error) as exc:
            logger.warning("nats drain failed, closing: %s", exc)
            await nc.close()


def _server(nc: Client | None) -> str:
    url = nc.connected_url if nc is not None else None
    return url.netloc if url is not None else "?"
