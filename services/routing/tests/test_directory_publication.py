"""directory.published: one snapshot per municipality on DIRECTORY, the last one kept forever."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import nats
import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.directory import DirectoryPublished
from guichet_testing.nats import NatsServer
from routing.demo import load_boundary, load_demo_directory
from routing.directory.seed import seed_demo

Auth = Callable[[str], Awaitable[dict[str, str]]]
SOIGNIES, LEEUW = "55040", "23077"


def subject(nis: str) -> str:
    return f"guichet.{nis}.directory.published.v1"


async def snapshot(js: JetStreamContext, nis: str, revision: int, wait: float = 10.0) -> Envelope:
    """The last snapshot of `nis` once it has reached `revision`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    last: Envelope | None = None
    while loop.time() < deadline:
        try:
            last = Envelope.from_bytes(
                (await js.get_last_msg("DIRECTORY", subject(nis))).data or b""
            )
        except NotFoundError:
            last = None
        if last is not None and last.payload(DirectoryPublished).revision >= revision:
            return last
        await asyncio.sleep(0.05)
    raise TimeoutError(f"no revision {revision} for {nis}; last: {last}")


@pytest.fixture
async def js(nats_server: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(nats_server.url)
    yield connection.jetstream()
    await connection.close()


async def test_seed_publishes_every_municipality_then_changes_bump_the_revision(
    fresh_routing: Any, run_routing: Any, js: JetStreamContext, auth: Auth
) -> None:
    towns = load_demo_directory().municipalities
    async with run_routing(fresh_routing.service) as client:
        for town in towns:
            published = (await snapshot(js, town.nis, 1)).payload(DirectoryPublished)
            assert published.revision == 1
            assert published.municipality.nis == town.nis
            assert published.municipality.boundary["type"] == "MultiPolygon"
            assert {c.code for c in published.categories} == {c.code for c in town.categories}
            assert {d.code for d in published.departments} == {d.code for d in town.departments}
        leeuw = (await snapshot(js, LEEUW, 1)).payload(DirectoryPublished)
        dumping = next(c for c in leeuw.categories if c.code == "illegal_dumping")
        volume = dumping.questions[0]
        assert (volume.code, volume.datatype, volume.required) == (
            "volume",
            "singlevaluelist",
            True,
        )
        assert [o.key for o in volume.options] == ["bag", "car_boot", "van"]
        light = next(c for c in leeuw.categories if c.code == "street_light")
        assert [(q.code, q.datatype) for q in light.questions] == [("pole_number", "string")]
        assert dumping.default_department_code == "CLEAN"

        # Seeding again changes nothing, so publishes nothing.
        await seed_demo(fresh_routing.sessions)
        # A boundary import is a change: Soignies alone gets revision 2.
        boundary = load_boundary(SOIGNIES)
        response = await client.put(
            f"/v1/municipalities/{SOIGNIES}/boundary",
            json=boundary,
            headers=await auth("operator"),
        )
        assert response.status_code == 200, response.text
        assert (await snapshot(js, SOIGNIES, 2)).payload(DirectoryPublished).revision == 2

    assert (await snapshot(js, LEEUW, 1)).payload(DirectoryPublished).revision == 1
    info = await js.stream_info("DIRECTORY")
    assert info.state.messages == len(towns)  # one snapshot per municipality
    assert info.config.max_msgs_per_subject == 1
    assert (
        json.loads((await js.get_last_msg("DIRECTORY", subject(SOIGNIES))).data or b"")["tenant_id"]
        == SOIGNIES
    )
