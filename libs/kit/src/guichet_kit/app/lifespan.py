"""Starting and stopping components around the application's life."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from guichet_kit.app.components import Component

logger = logging.getLogger("guichet.lifespan")


@asynccontextmanager
async def run_components(app: FastAPI, components: Sequence[Component]) -> AsyncIterator[None]:
    """Start `components` in order; stop the started ones in reverse order on exit, including
    when a later start fails (the failure is then re-raised: the server refuses to start)."""
    app.state.shutting_down = False
    async with AsyncExitStack() as stack:
        for component in components:
            await component.start(app)
            stack.push_async_callback(_stop, component, app)
        logger.info("started %d component(s)", len(components))
        try:
            yield
        finally:
            # /readyz answers 503 from now on, while in-flight requests finish.
            app.state.shutting_down = True


async def _stop(component: Component, app: FastAPI) -> None:
    try:
        await component.stop(app)
    except Exception:
        # Keep stopping the others; a failed stop must not leak the remaining resources.
        logger.exception("failed to stop %s", type(component).__name__)
