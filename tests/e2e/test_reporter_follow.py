"""A reporter follows their case across services: the tracking number and token intake gave
open the case in cases (intake sends only the token's SHA-256 down the pipeline), a staff
public update shows on the timeline, and a photo the reporter adds lands EXIF-free in S3."""

from __future__ import annotations

from typing import Any

import httpx

from guichet_testing.oidc import TokenFactory
from tests.e2e.events import tap
from tests.e2e.pipeline import Platform
from tests.e2e.reports import SOIGNIES, dumping, jpeg_with_exif, metadata_left, place, submit


async def test_reporter_follows_the_case_with_intakes_token(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    where = place(SOIGNIES, north_m=900, east_m=-700)
    async with tap(platform.nats.url) as events:
        response = await submit(http, platform.url("intake"), dumping(where))
        assert response.status_code == 201, response.text
        receipt: dict[str, Any] = response.json()
        created = await events.wait_for("case.created", within=10, report_id=receipt["report_id"])
    number = created.data["case_number"]
    cases = platform.url("cases")
    follow = f"{cases}/v1/tracking/{receipt['tracking_number']}"
    mine = {"X-Tracking-Token": receipt["tracking_token"], "Accept-Language": "fr"}

    staff = (await tokens("staff.soignies")).bearer
    update = await http.post(
        f"{cases}/v1/municipalities/{SOIGNIES}/cases/{number}/notes",
        json={"text": "Enlèvement prévu demain.", "visibility": "public"},
        headers=staff,
    )
    assert update.status_code == 201, update.text

    view = await http.get(follow, headers=mine)
    assert view.status_code == 200, view.text
    body = view.json()
    assert (body["case_number"], body["status_label"]) == (number, "nouveau")
    assert [e["message"] for e in body["timeline"] if e["kind"] == "comment"] == [
        "Enlèvement prévu demain."
    ]
    wrong = await http.get(follow, headers={"X-Tracking-Token": receipt["tracking_token"][:-2]})
    assert wrong.status_code == 404

    photo = jpeg_with_exif(where, size=(400, 300))
    sent = await http.post(
        f"{follow}/comments",
        data={"text": "Toujours là"},
        files={"photo": ("IMG_0002.jpg", photo, "image/jpeg")},
        headers=mine,
    )
    assert sent.status_code == 201, sent.text
    detail = await http.get(
        f"{cases}/v1/municipalities/{SOIGNIES}/cases/{number}/attachments", headers=staff
    )
    [attachment] = detail.json()
    path = f"{SOIGNIES}/cases/{created.data['case_id']}/{attachment['id']}.jpg"
    stored = await platform.read_object(path)
    assert metadata_left(stored) == {"exif_tags": {}, "info": {}, "has_exif_marker": False}


async def test_staff_and_reporter_see_the_photos_intake_stored(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    where = place(SOIGNIES, north_m=-1200, east_m=800)
    photo = ("IMG_0003.jpg", jpeg_with_exif(where, size=(640, 480)), "image/jpeg")
    async with tap(platform.nats.url) as events:
        response = await submit(http, platform.url("intake"), dumping(where), photos=[photo])
        assert response.status_code == 201, response.text
        receipt: dict[str, Any] = response.json()
        created = await events.wait_for("case.created", within=10, report_id=receipt["report_id"])
    cases = platform.url("cases")
    photos = f"{cases}/v1/municipalities/{SOIGNIES}/cases/{created.data['case_number']}/photos"
    staff = await http.get(photos, headers=(await tokens("staff.soignies")).bearer)
    assert staff.status_code == 200, staff.text
    mine = {"X-Tracking-Token": receipt["tracking_token"]}
    view = await http.get(f"{cases}/v1/tracking/{receipt['tracking_number']}", headers=mine)
    assert view.status_code == 200, view.text
    [detail_photo] = (
        await http.get(
            photos.removesuffix("/photos"), headers=(await tokens("staff.soignies")).bearer
        )
    ).json()["photos"]
    for [link] in (staff.json(), view.json()["photos"]):
        display = (await http.get(link["url"])).content
        assert display == await platform.read_object(detail_photo["object_key"])
        assert metadata_left(display) == {"exif_tags": {}, "info": {}, "has_exif_marker": False}
        thumbnail = (await http.get(link["thumbnail_url"])).content
        assert thumbnail == await platform.read_object(detail_photo["thumbnail_key"])
    other = await http.get(photos, headers=(await tokens("staff.leeuw")).bearer)
    assert other.status_code == 404
