"""What the services publish, as a test sees it: a plain NATS subscription on the platform's
private server (JetStream publishes are ordinary messages on their subjects)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import nats
from nats.aio.msg import Msg


@dataclass(frozen=True)
class Seen:
    """One event envelope (as JSON) and when the test received it (time.monotonic())."""

    envelope: dict[str, Any]
    at: float

    @property
    def type(self) -> str:
        return str(self.envelope["type"])

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.envelope["data"]
        return data


class EventTap:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self._arrived = asyncio.Event()

    async def receive(self, msg: Msg) -> None:
        self.seen.append(Seen(json.loads(msg.data), time.monotonic()))
        self._arrived.set()

    def matching(self, event_type: str, **data: Any) -> list[Seen]:
        return [
            event
            for event in self.seen
            if event.type == event_type
            and all(str(event.data.get(key)) == str(value) for key, value in data.items())
        ]

    async def wait_for(self, event_type: str, within: float = 10.0, **data: Any) -> Seen:
        """The first `event_type` whose data has these values (compared as strings)."""
        deadline = time.monotonic() + within
        while True:
            found = self.matching(event_type, **data)
            if found:
                return found[0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {event_type} with {data} within {within}s")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                continue


@asynccontextmanager
async def tap(nats_url: str, subject: str = "guichet.*.case.>") -> AsyncIterator[EventTap]:
    connection = await nats.connect(nats_url, name="e2e-tap")
    listener = EventTap()
    try:
        await connection.subscribe(subject, cb=listener.receive)
        await connection.flush()  # the subscription is registered before anything is sent
        yield listener
    finally:
        await connection.close()
