"""A lean HTTP/1.1 client for load generation: keep-alive connections from a pool, JSON POSTs.

httpx spends ~5 ms of CPU per request on this machine, which would make the load generator the
bottleneck of a 2-core benchmark; this client spends a small fraction of that. It speaks just
what the benchmark needs: requests with a body, responses framed by Content-Length.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


class ProtocolError(RuntimeError):
    """The server answered something this client does not parse."""


class Http1Pool:
    def __init__(self, host: str, port: int, size: int) -> None:
        self._host, self._port = host, port
        self._idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )
        self._slots = asyncio.Semaphore(size)

    async def post(self, path: str, body: bytes, headers: Mapping[str, str]) -> Response:
        async with self._slots:
            reader, writer = await self._connection()
            try:
                writer.write(self._request(path, body, headers))
                response = await _read_response(reader)
            except BaseException:
                writer.close()
                raise
            self._idle.put_nowait((reader, writer))
            return response

    async def close(self) -> None:
        while not self._idle.empty():
            _, writer = self._idle.get_nowait()
            writer.close()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if not self._idle.empty():
            return self._idle.get_nowait()
        return await asyncio.open_connection(self._host, self._port)

    def _request(self, path: str, body: bytes, headers: Mapping[str, str]) -> bytes:
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: {self._host}:{self._port}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(status_line.split(" ", 2)[1])
    except (IndexError, ValueError) as exc:
        raise ProtocolError(f"bad status line {status_line!r}") from exc
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise ProtocolError("response without Content-Length")
    return Response(status, await reader.readexactly(length))
