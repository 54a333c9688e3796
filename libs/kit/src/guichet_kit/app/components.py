"""The component protocol: how infrastructure plugs into a service's lifespan and /readyz."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NamedTuple, Protocol

from fastapi import FastAPI


class ReadinessCheck(NamedTuple):
    """A named probe: `probe()` returns when the dependency is usable and raises otherwise."""

    name: str
    probe: Callable[[], Awaitable[None]]


class Component(Protocol):
    """Something a service needs at runtime (database, NATS, S3, OIDC keys, ...).

    - `start(app)`: create clients/pools and publish them on ``app.state``. It should not
      wait for the dependency to be reachable: readiness reports that, so the process still
      starts (and /healthz answers) while e.g. the database restarts. If `start` raises, it
      must release whatever it already acquired; components started before it are stopped.
    - `stop(app)`: release everything; called in reverse start order, also on failed starts.
    - `readiness_check()`: a `ReadinessCheck` for /readyz, or None.
    """

    async def start(self, app: FastAPI) -> None: ...

    async def stop(self, app: FastAPI) -> None: ...

    def readiness_check(self) -> ReadinessCheck | None: ...
