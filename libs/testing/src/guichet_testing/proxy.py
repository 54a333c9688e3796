"""A TCP relay in front of a real server, to take that server away from one app only.

The shared stack's PostgreSQL must never be stopped (every suite uses it). A test that needs
it gone points its app at a `TcpProxy` instead: `cut()` makes the server look down to that app
(connections refused, open ones reset, as during a restart), `restore()` brings it back on
the same port; the app reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.engine import make_url

from guichet_testing.stack import StackInfo


class TcpProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Listen (again) on 127.0.0.1, on the same port as before if there was one."""
        self._server = await asyncio.start_server(
            self._relay, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def restore(self) -> None:
        await self.start()

    def url(self, url: str) -> str:
        """`url` (a database URL of the target) through this proxy."""
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(False)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open.update((writer, upstream_writer))
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            self._open.discard(writer)
            with contextlib.suppress(OSError):
                writer.close()


@asynccontextmanager
async def postgres_proxy(stack: StackInfo) -> AsyncIterator[TcpProxy]:
    """A running proxy to the stack's PostgreSQL, cut on exit."""
    target = make_url(stack.pg_admin_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.cut()


@pytest.fixture
async def pg_proxy(stack: StackInfo) -> AsyncIterator[TcpProxy]:
    """A proxy to the stack's PostgreSQL; use `pg_proxy.url(database_url)` in an app's
    settings."""
    async with postgres_proxy(stack) as proxy:
        yield proxy
