"""Readiness checks: small async probes and a wait loop that notices a dead process."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import time
from collections.abc import Awaitable, Callable

import httpx

from guichet_stack.errors import StackError
from guichet_stack.procs import ProcRecord, is_running, log_tail

Check = Callable[[], Awaitable[bool]]


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loaded once: building one per probe costs ~30 ms (probes are plain http anyway)."""
    return ssl.create_default_context()


async def http_ok(url: str, *, headers: dict[str, str] | None = None, method: str = "GET") -> bool:
    try:
        async with httpx.AsyncClient(timeout=2.0, trust_env=False, verify=_tls_context()) as client:
            response = await client.request(method, url, headers=headers)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


async def tcp_banner(host: str, port: int, prefix: bytes) -> bool:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 2.0)
    except (OSError, TimeoutError):
        return False
    try:
        line = await asyncio.wait_for(reader.readline(), 2.0)
    except (OSError, TimeoutError):
        line = b""
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return line.startswith(prefix)


async def wait_until(
    name: str,
    check: Check,
    *,
    within: float,
    process: ProcRecord | None = None,
    interval: float = 0.05,
) -> None:
    """Poll check until it passes; fail early with the log tail if the process dies."""
    deadline = time.monotonic() + within
    while True:
        if await check():
            return
        if process is not None and not is_running(process):
            raise StackError(
                f"{name} exited during start-up; {process.log}:\n{log_tail(process.log)}"
            )
        if time.monotonic() > deadline:
            where = f"; log {process.log}:\n{log_tail(process.log)}" if process else ""
            raise StackError(f"{name} not ready after {within:.0f}s{where}")
        await asyncio.sleep(interval)
