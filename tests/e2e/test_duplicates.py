"""Two people reporting the same fallen tree within a second of each other: the second report
joins the first one's case, as fast as a report that opens a case."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.e2e.events import EventTap, Seen, tap
from tests.e2e.pipeline import Platform
from tests.e2e.reports import KORTRIJK, grid, jpeg_with_exif, place, report, submit

TRIES = 14
WITHIN_SECONDS = 1.0


async def test_a_duplicate_sent_within_a_second_reaches_its_case_within_a_second(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    spots = grid(place(KORTRIJK, north_m=-2500, east_m=-1500), TRIES, spacing_m=200.0)
    took: list[float] = []
    seconds: list[str] = []
    async with tap(platform.nats.url) as events:
        for index, spot in enumerate(spots):
            intake = platform.url("intake")
            photo = [("tree.jpg", jpeg_with_exif(spot, (1600, 1200)), "image/jpeg")]
            first = asyncio.create_task(
                submit(http, intake, report(spot, "fallen_tree"), photos=photo)
            )
            await asyncio.sleep(index / (TRIES - 1))  # from at once to a second later
            sent = time.monotonic()
            second = await submit(
                http, intake, report(spot.moved(north_m=8, east_m=0), "fallen_tree"), photos=photo
            )
            original = await first
            assert original.status_code == 201, original.text
            assert second.status_code == 201, second.text
            ids = [original.json()["report_id"], second.json()["report_id"]]
            merged = await _first_of(events, "case.merged", ids)
            created = await _first_of(events, "case.created", ids)
            if merged.data["report_id"] == ids[0]:  # the second report was placed first
                ids.reverse()
            seconds.append(ids[1])
            took.append(merged.at - sent)
            assert merged.data["case_number"] == created.data["case_number"]
            assert merged.data["supporters"] == 2
        await asyncio.sleep(0.5)  # time enough for a second case to show
    print("\nduplicate → its case, ms:", sorted(round(1000 * t) for t in took))  # shown with -s
    assert not [r for r in seconds if events.matching("case.created", report_id=r)]
    assert max(took) < WITHIN_SECONDS, sorted(took)


async def _first_of(events: EventTap, event_type: str, report_ids: list[str]) -> Seen:
    deadline = time.monotonic() + 10
    while not (found := [e for r in report_ids for e in events.matching(event_type, report_id=r)]):
        assert time.monotonic() < deadline, f"no {event_type} for {report_ids}"
        await asyncio.sleep(0.002)
    return found[0]
