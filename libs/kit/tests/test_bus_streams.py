"""Subjects, stream provisioning and the NATS connection, against a private nats-server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType

from guichet_kit.bus.backoff import backoff_delay, jittered_delay
from guichet_kit.bus.connection import NatsConnection, NotConnectedError
from guichet_kit.bus.subjects import (
    DEADLETTER,
    StreamSpec,
    SubjectError,
    deadletter_subject,
    ensure_streams,
    event_filter,
)
from guichet_testing.nats import NatsServer, free_port


@pytest.fixture
async def connection(nats_server: NatsServer) -> AsyncIterator[NatsConnection]:
    conn = NatsConnection(nats_server.url, name="test-streams", reconnect_cap=0.2)
    await conn.connect()
    yield conn
    await conn.close()


def test_event_filter_targets_one_type_and_version() -> None:
    assert event_filter("report.submitted", 1) == "guichet.*.report.submitted.v1"
    assert event_filter("case.status_changed", 2, "23077") == "guichet.23077.case.status_changed.v2"


@pytest.mark.parametrize(
    ("event_type", "version", "tenant"),
    [("report", 1, "*"), ("report.sub.mitted", 1, "*"), ("report.submitted", 0, "*"),
     ("report.submitted", 1, "2307"), ("report.submitted", 1, "23077.>")],
)  # fmt: skip
def test_event_filter_rejects_what_is_not_an_event(
    event_type: str, version: int, tenant: str
) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - SubjectError or the tenant check
        event_filter(event_type, version, tenant)


def test_deadletter_subject_is_per_durable() -> None:
    assert deadletter_subject("routing-reports") == "deadletter.routing-reports"
    with pytest.raises(SubjectError):
        deadletter_subject("a.b")


def test_stream_for_aggregates_captures_every_tenant() -> None:
    spec = StreamSpec.for_aggregates("INTAKE", ["report", "photo", "report"])
    assert spec.subjects == ("guichet.*.photo.>", "guichet.*.report.>")
    with pytest.raises(SubjectError):
        StreamSpec.for_aggregates("BROKEN", [])


async def test_ensure_streams_creates_then_updates(connection: NatsConnection) -> None:
    js = connection.js
    intake = StreamSpec.for_aggregates("INTAKE", ["report"], max_age=timedelta(days=7))
    await ensure_streams(js, [intake, DEADLETTER])
    await ensure_streams(js, [intake, DEADLETTER])  # idempotent

    config = (await js.stream_info("INTAKE")).config
    assert config.subjects == ["guichet.*.report.>"]
    assert config.storage == StorageType.FILE
    assert config.retention == RetentionPolicy.LIMITS
    assert config.discard == DiscardPolicy.OLD
    assert config.duplicate_window == pytest.approx(120)
    assert config.max_age == pytest.approx(7 * 86400)
    assert (await js.stream_info("DEADLETTER")).config.subjects == ["deadletter.>"]

    longer = StreamSpec.for_aggregates("INTAKE", ["report", "photo"], max_age=timedelta(days=14))
    await ensure_streams(js, [longer])
    config = (await js.stream_info("INTAKE")).config
    assert config.max_age == pytest.approx(14 * 86400)
    assert sorted(config.subjects or []) == ["guichet.*.photo.>", "guichet.*.report.>"]


async def test_stream_keeps_the_last_message_per_subject_forever(
    connection: NatsConnection,
) -> None:
    js = connection.js
    spec = StreamSpec.for_aggregates(
        "SNAPSHOTS", ["directory"], max_age=timedelta(0), max_msgs_per_subject=1
    )
    await ensure_streams(js, [spec])

    config = (await js.stream_info("SNAPSHOTS")).config
    assert config.max_msgs_per_subject == 1
    assert not config.max_age  # 0: no age limit
    for revision in (1, 2, 3):
        await js.publish("guichet.23077.directory.published.v1", f"{revision}".encode())
    await js.publish("guichet.55040.directory.published.v1", b"1")

    state = (await js.stream_info("SNAPSHOTS")).state
    assert state.messages == 2
    last = await js.get_last_msg("SNAPSHOTS", "guichet.23077.directory.published.v1")
    assert last.data == b"3"


def test_stream_limits_are_checked() -> None:
    assert StreamSpec.for_aggregates("A", ["report"]).config().max_msgs_per_subject == -1
    with pytest.raises(ValueError, match="max_msgs_per_subject"):
        StreamSpec.for_aggregates("A", ["report"], max_msgs_per_subject=0)
    with pytest.raises(ValueError, match="max_age"):
        StreamSpec.for_aggregates("A", ["report"], max_age=timedelta(seconds=-1))


async def test_check_follows_the_server(
    nats_server: NatsServer, connection: NatsConnection
) -> None:
    await connection.check()
    nats_server.kill()
    await _until(lambda: not connection.nc.is_connected)
    with pytest.raises(NotConnectedError):
        await connection.check()
    await asyncio.to_thread(nats_server.start)
    await _until(lambda: connection.nc.is_connected)
    await connection.check()


async def test_connect_gives_up_at_the_deadline() -> None:
    conn = NatsConnection(f"nats://127.0.0.1:{free_port()}", name="nobody", connect_deadline=0.5)
    with pytest.raises(TimeoutError):
        await conn.connect()
    with pytest.raises(NotConnectedError):
        _ = conn.js
    with pytest.raises(NotConnectedError):
        await conn.check()


async def _until(condition: object, within: float = 10.0) -> None:
    assert callable(condition)
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - polls the client's connection state
            await asyncio.sleep(0.02)


def test_backoff_is_capped_however_long_the_outage() -> None:
    assert backoff_delay(0, base=0.1, cap=5) == pytest.approx(0.1)
    assert backoff_delay(3, base=0.1, cap=5) == pytest.approx(0.8)
    assert backoff_delay(100_000, base=0.1, cap=5) == 5
    delays = [jittered_delay(100_000, base=0.1, cap=5) for _ in range(200)]
    assert all(0 <= d <= 5 for d in delays)
    assert len(set(delays)) > 1
