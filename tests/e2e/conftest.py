"""Fixtures of the end-to-end pipeline tests: the services as real processes, once per session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from guichet_testing.stack import StackInfo
from tests.e2e.events import tap
from tests.e2e.pipeline import Platform
from tests.e2e.reports import EUPEN, jpeg_with_exif, place, report, submit


@pytest.fixture(scope="session")
async def platform(
    stack: StackInfo, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    running = Platform(stack, Path(tmp_path_factory.mktemp("platform")))
    try:
        await running.start()
        await warm_up(running)
        yield running
    finally:
        await running.close()


async def warm_up(platform: Platform) -> None:
    """One photo report through the whole pipeline, so the tests measure warm processes
    (first photo decode, first queries, first relay wake-up), not their start."""
    where = place(EUPEN)
    async with (
        httpx.AsyncClient(timeout=30.0, trust_env=False) as http,
        tap(platform.nats.url) as events,
    ):
        response = await submit(
            http,
            platform.url("intake"),
            report(where, "graffiti"),
            photos=[("warm-up.jpg", jpeg_with_exif(where, (640, 480)), "image/jpeg")],
        )
        assert response.status_code == 201, response.text
        await events.wait_for("case.created", within=30, report_id=response.json()["report_id"])


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30.0, trust_env=False) as client:
        yield client
