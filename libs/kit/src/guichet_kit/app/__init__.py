"""The service application factory and the component protocol.

Writing a component (NATS, S3, OIDC, ...) takes three methods; see `Component`::

    class NatsComponent:
        def __init__(self, settings: KitSettings) -> None:
            self.settings, self.client = settings, None

        async def start(self, app: FastAPI) -> None:
            self.client = await connect_lazily(self.settings.nats_url)
            app.state.nats = self.client

        async def stop(self, app: FastAPI) -> None:
            if self.client is not None:
                await self.client.close()

        def readiness_check(self) -> ReadinessCheck | None:
            return ReadinessCheck("nats", self._ping)   # async () -> None, raises if down

A service then does::

    app = build_app(settings=settings, title="Intake", version="1.0.0",
                    routers=[reports.router],
                    components=[DatabaseComponent(settings), NatsComponent(settings)])

Components start in list order and stop in reverse order (also when a start fails). /readyz
runs every component's check concurrently, each with `readiness_timeout` seconds, and answers
200 ``{"status": "ok", "checks": {...}}`` or 503 (problem+json, ``failing: [names]``).
The database component lives in `guichet_kit.db` (``DatabaseComponent``).
"""

from guichet_kit.app.components import Component, ReadinessCheck
from guichet_kit.app.factory import DEFAULT_MAX_BODY_SIZE, build_app

__all__ = ["DEFAULT_MAX_BODY_SIZE", "Component", "ReadinessCheck", "build_app"]
