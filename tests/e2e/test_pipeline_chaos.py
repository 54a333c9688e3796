"""Crashes mid-stream: routing or cases gets SIGKILL while a few hundred reports are being
submitted, and is started again at once. Every report intake accepted (201) still ends as
exactly one case: none missing, none doubled, no supporter instead of a case, one routing
decision each, nothing dead-lettered.

Slow by nature: messages the killed process had fetched but not acknowledged come back only
after the consumers' ack_wait (30 s, `guichet_kit.bus.ConsumerSpec`, not a setting), so both
crashes happen in one test and that wait is paid once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.e2e.pipeline import Platform
from tests.e2e.reports import BRAINE, LEEUW, SOIGNIES, grid, place, report, submit

pytestmark = pytest.mark.chaos

REPORTS = 300
KILL_AFTER = 100  # accepted reports before the SIGKILL
IN_FLIGHT = 8
DRAINED_WITHIN = 90.0  # ack_wait 30 s + the nak backoff of a message failing during the crash


def _bodies(
    category: str, towns: tuple[str, str], origin: tuple[float, float]
) -> list[dict[str, Any]]:
    """REPORTS reports alternating between two towns, 120 m apart (no two are duplicates);
    `origin` (metres north, east of the centre) keeps every grid inside both towns."""
    half = REPORTS // 2
    first, second = (grid(place(t, *origin), half, 120) for t in towns)
    mixed = [where for pair in zip(first, second, strict=True) for where in pair]
    return [report(where, category, description=f"chaos {i}") for i, where in enumerate(mixed)]


class Storm:
    """Submits the reports IN_FLIGHT at a time; kills `victim` after KILL_AFTER accepted and
    restarts it while the submissions go on."""

    def __init__(self, platform: Platform, http: httpx.AsyncClient, victim: str) -> None:
        self.platform, self.http, self.victim = platform, http, victim
        self.accepted: list[str] = []
        self.refused: list[str] = []
        self.restart: asyncio.Task[None] | None = None
        self.killed_at: float | None = None

    async def run(self, bodies: list[dict[str, Any]]) -> None:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for body in bodies:
            queue.put_nowait(body)
        await asyncio.gather(*(self._worker(queue) for _ in range(IN_FLIGHT)))
        assert self.restart is not None, "the victim was never killed"
        await self.restart

    async def _worker(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            response = await submit(self.http, self.platform.url("intake"), body)
            if response.status_code != 201:
                self.refused.append(f"{response.status_code} {response.text[:200]}")
                continue
            self.accepted.append(response.json()["report_id"])
            if len(self.accepted) >= KILL_AFTER and self.restart is None:
                self.platform[self.victim].kill()
                self.killed_at = time.monotonic()
                self.restart = asyncio.create_task(self.platform.restart(self.victim))


async def _count(platform: Platform, table: str, report_ids: list[str]) -> int:
    query = f"SELECT count(*) FROM {table} WHERE report_id::text = ANY(:ids)"
    return await platform.scalar(query, {"ids": report_ids})


async def _assert_exactly_one_case_each(
    platform: Platform, report_ids: list[str], victim: str
) -> None:
    numbers = await platform.case_numbers(report_ids)
    missing = [r for r, found in numbers.items() if not found]
    doubled = {r: found for r, found in numbers.items() if len(found) > 1}
    killed = f"{victim} killed"
    assert not missing, f"{killed}: {len(missing)} reports have no case, e.g. {missing[:3]}"
    assert not doubled, f"{killed}: reports with several cases: {doubled}"
    all_numbers = [n for found in numbers.values() for n in found]
    assert len(set(all_numbers)) == len(report_ids), killed
    assert await _count(platform, "cases.case_supporter", report_ids) == 0, killed
    assert await _count(platform, "routing.decision", report_ids) == len(report_ids), killed


async def _assert_nothing_doubled_or_dead_lettered(platform: Platform) -> None:
    streams = await platform.streams()
    assert streams.get("DEADLETTER", 0) == 0, "something was dead-lettered"
    decisions = await platform.scalar("SELECT count(*) FROM routing.decision")
    assert streams["ROUTING"] == decisions, "a decision was published twice (or never)"


async def _gapless(platform: Platform, prefix: str) -> None:
    """Numbers of a town stay 1..n without gaps or repeats (crash rollbacks give them back)."""
    query = text('SELECT number FROM cases."case" WHERE number LIKE :prefix ORDER BY number')
    async with platform.admin.connect() as connection:
        numbers = [row[0] for row in await connection.execute(query, {"prefix": f"{prefix}-%"})]
    sequence = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert sequence == list(range(1, len(sequence) + 1))


STORMS = (
    # victim, category, two towns, grid origin (m north, east of the centres)
    ("routing", "overgrown_vegetation", (SOIGNIES, BRAINE), (0.0, -2500.0)),
    ("cases", "dirty_public_space", (LEEUW, BRAINE), (-800.0, -2000.0)),
)


@pytest.mark.timeout(DRAINED_WITHIN + 90)
async def test_every_accepted_report_becomes_exactly_one_case_when_routing_then_cases_are_killed(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    """Both crashes in one test so that the ack_wait they both end with is waited once;
    each storm's reports are checked on their own."""
    started = time.monotonic()
    storms: list[Storm] = []
    for victim, category, towns, origin in STORMS:
        starts = platform[victim].starts
        storm = Storm(platform, http, victim)
        await storm.run(_bodies(category, towns, origin))
        assert not storm.refused, storm.refused[:3]
        assert len(storm.accepted) == REPORTS
        assert platform[victim].starts == starts + 1
        assert platform[victim].running
        storms.append(storm)

    await platform.wait_drained(DRAINED_WITHIN)
    for storm in storms:
        await _assert_exactly_one_case_each(platform, storm.accepted, storm.victim)
    await _assert_nothing_doubled_or_dead_lettered(platform)
    for prefix in ("SOI", "BLC", "SPL"):
        await _gapless(platform, prefix)
    print(
        f"\nrouting, then cases killed after {KILL_AFTER} of {REPORTS} reports each; all "
        f"{len(storms) * REPORTS} cases exactly once after {time.monotonic() - started:.1f}s"
    )
