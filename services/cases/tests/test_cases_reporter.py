"""The reporter's side over HTTP on the real stack: following a case by tracking token or by
login, the public timeline (no internal notes, no staff names unless the town allows them),
comments and photos (EXIF gone in S3), staff attachments, duplicates following the case they
joined, and the same 404 for everyone else."""

from __future__ import annotations

import asyncio
import io
import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
from minio import Minio
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cases.main import create_app
from cases.settings import Settings
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.report import PhotoRef
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Confidentiality
from guichet_testing.apps import serve
from guichet_testing.oidc import TokenFactory, demo_users
from guichet_testing.s3 import random_bucket_name, remove_bucket

Apply = Callable[[Envelope], Any]
LEEUW = "23077"
STAFF = f"/v1/municipalities/{LEEUW}/cases"
SETTINGS = f"/v1/municipalities/{LEEUW}/case-settings"
PER_HOUR = 3
USERS = demo_users()
ORIENTATION, GPS_IFD = 0x0112, 0x8825
CONFIDENTIAL = Confidentiality.CONFIDENTIAL


@pytest.fixture(scope="module")
def bucket(s3_client: Minio) -> Iterator[str]:
    name = random_bucket_name("cases-test")
    s3_client.make_bucket(name)
    try:
        yield name
    finally:
        remove_bucket(s3_client, name)


@pytest.fixture(scope="module")
async def client(
    cases_settings: Callable[..., Settings], demo_towns: dict[str, str], bucket: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = cases_settings(
        s3_bucket=bucket, reporter_comments_per_hour=PER_HOUR, attachment_max_bytes=2 * 1024 * 1024
    )
    async with serve(create_app(settings)) as http:
        yield http


@dataclass
class Reported:
    number: str
    tracking_number: str
    token: str

    @property
    def url(self) -> str:
        return f"/v1/tracking/{self.tracking_number}"

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Tracking-Token": self.token, "Accept-Language": "en"}


@pytest.fixture
def report(
    apply_event: Apply, make_decision: Callable[..., Envelope], admin_engine: AsyncEngine
) -> Callable[..., Any]:
    async def submit(**options: Any) -> Reported:
        token = secrets.token_urlsafe(32)
        envelope = make_decision(LEEUW, token=token, **options)
        await apply_event(envelope)
        report_id = envelope.data["report"]["report_id"]
        async with admin_engine.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT c.number FROM cases.case c WHERE c.report_id = :r UNION ALL"
                    " SELECT c.number FROM cases.case_supporter s JOIN cases.case c"
                    " ON c.id = s.case_id WHERE s.report_id = :r"
                ),
                {"r": report_id},
            )
            number = str(found.scalars().first())
        return Reported(number, envelope.data["report"]["tracking_number"], token)

    return submit


async def staff(tokens: TokenFactory, user: str = "staff.leeuw") -> dict[str, str]:
    return {**(await tokens(user)).bearer, "Accept-Language": "en"}


def photo_with_exif() -> bytes:
    """A landscape JPEG tagged 'rotate 90°', with GPS coordinates and a camera make."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "GuichetCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 45.0, 0.0), 3: "E", 4: (4.0, 15.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (10, 120, 200)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


async def follow(client: httpx.AsyncClient, case: Reported) -> dict[str, Any]:
    response = await client.get(case.url, headers=case.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def note_count(admin_engine: AsyncEngine, number: str) -> int:
    async with admin_engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT count(*) FROM cases.case_note n JOIN cases.case c ON c.id = n.case_id"
                " WHERE c.number = :n"
            ),
            {"n": number},
        )
        return int(found.scalar_one())


async def test_reporter_by_token_sees_public_timeline_and_nothing_internal(
    client: httpx.AsyncClient, tokens: TokenFactory, report: Callable[..., Any]
) -> None:
    case = await report()
    headers = await staff(tokens)
    moves = [
        ("transitions", {"to": "acknowledged", "public_message": "Thanks, we will look."}),
        ("notes", {"text": "SECRET internal remark", "visibility": "internal"}),
        ("notes", {"text": "A crew is on its way.", "visibility": "public"}),
        ("transitions", {"to": "rejected", "reason": "SECRET reason for staff"}),
    ]
    for path, body in moves:
        response = await client.post(f"{STAFF}/{case.number}/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text

    view = await follow(client, case)
    assert view["case_number"] == case.number
    assert view["tracking_number"] == case.tracking_number
    assert (view["status"], view["status_label"]) == ("rejected", "rejected")
    assert view["municipality"] == {"code": LEEUW, "name": f"Town {LEEUW}"}
    assert view["category"] == {"code": "pothole", "name": "pothole"}
    assert (view["supporters"], view["restricted"]) == (1, False)
    kinds = [(e["kind"], e["status"], e["message"]) for e in view["timeline"]]
    assert kinds == [
        ("status", "new", None),
        ("status", "acknowledged", "Thanks, we will look."),
        ("comment", None, "A crew is on its way."),
        ("status", "rejected", None),
    ]
    staff_author = view["timeline"][1]["author"]
    assert staff_author == {"kind": "staff", "name": None, "department": "roads"}
    assert view["timeline"][0]["author"] == {
        "kind": "municipality",
        "name": f"Town {LEEUW}",
        "department": None,
    }
    raw = json.dumps(view)
    assert "SECRET" not in raw
    assert "staff.leeuw" not in raw
    assert USERS["staff.leeuw"].sub not in raw

    dutch = await client.get(case.url, headers={"X-Tracking-Token": case.token})
    assert dutch.json()["status_label"] == "geweigerd"  # the report's language (nl)
    assert dutch.json()["category"]["name"] == "pothole (nl)"


async def test_staff_names_only_where_the_municipality_allows_them(
    client: httpx.AsyncClient, tokens: TokenFactory, report: Callable[..., Any]
) -> None:
    case = await report()
    headers = await staff(tokens)
    response = await client.post(
        f"{STAFF}/{case.number}/notes",
        json={"text": "Done tomorrow.", "visibility": "public"},
        headers=headers,
    )
    assert response.status_code == 201
    admin = await staff(tokens, "admin.leeuw")
    assert (await client.get(SETTINGS, headers=headers)).json() == {"show_staff_names": False}
    refused = await client.put(SETTINGS, json={"show_staff_names": True}, headers=headers)
    assert refused.status_code == 403
    try:
        allowed = await client.put(SETTINGS, json={"show_staff_names": True}, headers=admin)
        assert allowed.status_code == 200, allowed.text
        view = await follow(client, case)
        assert view["timeline"][-1]["author"] == {
            "kind": "staff",
            "name": "staff.leeuw",
            "department": "roads",
        }
    finally:
        reset = await client.put(SETTINGS, json={"show_staff_names": False}, headers=admin)
        assert reset.status_code == 200
    view = await follow(client, case)
    assert view["timeline"][-1]["author"]["name"] is None


async def test_reporter_by_login_and_everyone_else_gets_the_same_404(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    admin_engine: AsyncEngine,
) -> None:
    citizen = USERS["citizen.eid"]
    case = await report(subject=citizen.sub)
    other = await report()
    mine = await client.get(case.url, headers=(await tokens("citizen.eid")).bearer)
    assert mine.status_code == 200, mine.text
    assert mine.json()["case_number"] == case.number
    typed = case.tracking_number.lower().replace("-", " ")
    assert (await client.get(f"/v1/tracking/{typed}", headers=case.headers)).status_code == 200

    unknown = "0000-0000-0000" if case.tracking_number != "0000-0000-0000" else "1111-1111-1111"
    attempts: list[tuple[str, dict[str, str]]] = [
        (case.url, {}),
        (case.url, {"X-Tracking-Token": "wrong"}),
        (case.url, {"X-Tracking-Token": other.token}),
        (case.url, (await tokens("citizen.itsme")).bearer),
        (case.url, (await tokens("staff.leeuw")).bearer),
        (case.url, (await tokens("security.leeuw")).bearer),
        (case.url, (await tokens("staff.soignies")).bearer),
        (f"/v1/tracking/{unknown}", {"X-Tracking-Token": case.token}),
        ("/v1/tracking/not-a-number", {"X-Tracking-Token": case.token}),
    ]
    for url, headers in attempts:
        for response in (
            await client.get(url, headers=headers),
            await client.post(f"{url}/comments", json={"text": "hello"}, headers=headers),
        ):
            assert response.status_code == 404, (url, headers, response.text)
            assert response.json()["code"] == "case.tracking_not_found"
    assert await note_count(admin_engine, case.number) == 0
    bad = await client.get(case.url, headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401


async def test_reporter_comment_and_photo_become_public_without_exif(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    s3_client: Minio,
    bucket: str,
    admin_engine: AsyncEngine,
    stream_reader: Any,
) -> None:
    case = await report()
    said = await client.post(
        f"{case.url}/comments", json={"text": " Still there. "}, headers=case.headers
    )
    assert said.status_code == 201, said.text
    shown = await client.post(
        f"{case.url}/comments",
        data={"text": "See the photo"},
        files={"photo": ("IMG_0001.jpg", photo_with_exif(), "image/jpeg")},
        headers=case.headers,
    )
    assert shown.status_code == 201, shown.text
    attachment_id = shown.json()["attachments"][0]

    async with admin_engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT path, thumbnail_path FROM cases.case_attachment WHERE id = :i"),
                {"i": attachment_id},
            )
        ).one()
    for path in row:
        stored = s3_client.get_object(bucket, f"{LEEUW}/{path}").read()
        assert b"GuichetCam" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            assert not image.getexif()
            assert image.width < image.height  # orientation applied before EXIF was dropped

    view = await follow(client, case)
    comments = [e for e in view["timeline"] if e["kind"] == "comment"]
    assert [c["message"] for c in comments] == ["Still there.", "See the photo"]
    assert all(
        c["author"] == {"kind": "reporter", "name": None, "department": None} for c in comments
    )
    picture = comments[1]["attachments"][0]
    assert (picture["id"], picture["content_type"]) == (attachment_id, "image/jpeg")
    async with httpx.AsyncClient() as browser:
        downloaded = await browser.get(picture["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == s3_client.get_object(bucket, f"{LEEUW}/{row[0]}").read()

    detail = (await client.get(f"{STAFF}/{case.number}", headers=await staff(tokens))).json()
    assert [n["author_kind"] for n in detail["notes"]] == ["reporter", "reporter"]
    assert detail["notes"][1]["attachments"][0]["id"] == attachment_id
    assert detail["notes"][0]["author_subject"] is None
    assert any(
        h["action"] == "note_added" and h["actor_kind"] == "reporter" for h in detail["history"]
    )

    envelopes = await stream_reader.until(
        "CASES",
        f"guichet.{LEEUW}.case.commented.v1",
        lambda es: sum(e["data"]["case_number"] == case.number for e in es) >= 2,
    )
    mine = [e["data"] for e in envelopes if e["data"]["case_number"] == case.number]
    assert [(e["visibility"], e["author"]["kind"], e["text"]) for e in mine] == [
        ("public", "reporter", "Still there."),
        ("public", "reporter", "See the photo"),
    ]
    assert mine[1]["attachments"][0]["object_key"] == f"{LEEUW}/{row[0]}"


async def test_reporter_comment_refusals_are_translated_and_write_nothing(
    client: httpx.AsyncClient,
    report: Callable[..., Any],
    admin_engine: AsyncEngine,
    s3_client: Minio,
    bucket: str,
) -> None:
    case = await report()
    url = f"{case.url}/comments"
    french = {"X-Tracking-Token": case.token, "Accept-Language": "fr"}
    refusals: list[tuple[dict[str, Any], int, str]] = [
        ({"json": {"text": "   "}}, 422, "case.comment_empty"),
        ({"json": {"text": "x" * 2001}}, 422, "case.comment_too_long"),
        (
            {"content": b"hello", "headers": {"Content-Type": "text/plain"}},
            415,
            "case.unsupported_content_type",
        ),
        (
            {"files": {"photo": ("a.pdf", b"%PDF-1.7 ...", "application/pdf")}},
            415,
            "upload.type_not_allowed",
        ),
        (
            {"files": {"photo": ("a.jpg", b"\xff\xd8\xff\xe0 broken", "image/jpeg")}},
            422,
            "upload.unreadable",
        ),
        (
            {
                "files": {
                    "photo": ("big.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024), "image/jpeg")
                }
            },
            413,
            "upload.too_large",
        ),
    ]
    for options, status, code in refusals:
        headers = {**french, **options.pop("headers", {})}
        response = await client.post(url, headers=headers, **options)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json", response.text
        problem = response.json()
        assert problem["code"] == code
        assert response.headers["content-language"] == "fr"
    assert "Envoyez un texte" in (await client.post(url, json={}, headers=french)).json()["detail"]
    assert await note_count(admin_engine, case.number) == 0

    for _ in range(PER_HOUR):
        assert (await client.post(url, json={"text": "again"}, headers=french)).status_code == 201
    limited = await client.post(url, json={"text": "again"}, headers=french)
    assert limited.status_code == 429
    assert limited.json()["code"] == "case.too_many_comments"
    assert limited.headers["retry-after"] == "3600"
    photo = {"photo": ("late.jpg", photo_with_exif(), "image/jpeg")}
    assert (await client.post(url, files=photo, headers=french)).status_code == 429
    assert await note_count(admin_engine, case.number) == PER_HOUR
    async with admin_engine.connect() as conn:
        case_id = (
            await conn.execute(
                text("SELECT id FROM cases.case WHERE number = :n"), {"n": case.number}
            )
        ).scalar_one()
    assert list(s3_client.list_objects(bucket, prefix=f"{LEEUW}/cases/{case_id}/")) == []


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def stored_photo(s3_client: Minio, bucket: str) -> tuple[PhotoRef, bytes, bytes]:
    """A report photo as intake stores it (display image and thumbnail, EXIF-free)."""
    display, thumbnail = jpeg(160, 90), jpeg(40, 22)
    photo_id = uuid7()
    key = f"{LEEUW}/reports/{uuid7()}/{photo_id}"
    for name, data in ((f"{key}.jpg", display), (f"{key}-thumb.jpg", thumbnail)):
        s3_client.put_object(bucket, name, io.BytesIO(data), len(data), content_type="image/jpeg")
    ref = PhotoRef(
        photo_id=photo_id,
        object_key=f"{key}.jpg",
        thumbnail_key=f"{key}-thumb.jpg",
        content_type="image/jpeg",
        width=160,
        height=90,
        size_bytes=len(display),
    )
    return ref, display, thumbnail


async def test_report_photos_as_short_lived_urls_for_staff_and_reporter(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    s3_client: Minio,
    bucket: str,
    cases_settings: Callable[..., Settings],
) -> None:
    ref, display, thumbnail = stored_photo(s3_client, bucket)
    case = await report(photos=(ref,))
    detail = await client.get(f"{STAFF}/{case.number}", headers=await staff(tokens))
    assert detail.json()["photos"][0]["object_key"] == ref.object_key

    staff_view = await client.get(f"{STAFF}/{case.number}/photos", headers=await staff(tokens))
    assert staff_view.status_code == 200, staff_view.text
    reporter_view = (await follow(client, case))["photos"]
    for (link,) in (staff_view.json(), reporter_view):
        assert (link["photo_id"], link["width"], link["height"]) == (str(ref.photo_id), 160, 90)
        assert (link["content_type"], link["expires_in"]) == ("image/jpeg", 300)
        async with httpx.AsyncClient() as s3:
            assert (await s3.get(link["url"])).content == display
            assert (await s3.get(link["thumbnail_url"])).content == thumbnail

    for user in ("staff.soignies", "admin.soignies"):
        other = await client.get(f"{STAFF}/{case.number}/photos", headers=await staff(tokens, user))
        assert other.status_code == 404
    secret = await report(photos=(ref,), category="security", confidentiality=CONFIDENTIAL)
    for user, status in (("staff.leeuw", 404), ("agent.leeuw", 404), ("security.leeuw", 200)):
        seen = await client.get(
            f"{STAFF}/{secret.number}/photos", headers=await staff(tokens, user)
        )
        assert seen.status_code == status, user
    assert len((await follow(client, secret))["photos"]) == 1  # their own, even restricted
    supporter = await report(outcome="duplicate", duplicate_of=await case_id(client, tokens, case))
    assert (await follow(client, supporter))["photos"] == []  # not the first reporter's photos

    settings = cases_settings(s3_bucket=bucket, attachment_url_seconds=1)
    async with serve(create_app(settings)) as short_lived:
        (link,) = (
            await short_lived.get(f"{STAFF}/{case.number}/photos", headers=await staff(tokens))
        ).json()
        assert link["expires_in"] == 1
        await asyncio.sleep(2.5)
        async with httpx.AsyncClient() as s3:
            expired = await s3.get(link["url"])
    assert expired.status_code == 403
    assert expired.content != display


async def case_id(client: httpx.AsyncClient, tokens: TokenFactory, case: Reported) -> UUID:
    detail = await client.get(f"{STAFF}/{case.number}", headers=await staff(tokens))
    return UUID(detail.json()["id"])


async def test_deeply_nested_comment_is_a_clear_400(
    client: httpx.AsyncClient, report: Callable[..., Any], admin_engine: AsyncEngine
) -> None:
    case = await report()
    body = '{"text": ' + "[" * 990 + "]" * 990 + "}"
    headers = {**case.headers, "Content-Type": "application/json", "Accept-Language": "de"}
    response = await client.post(f"{case.url}/comments", content=body, headers=headers)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["code"] == "request.json_too_deep"
    assert "32 Ebenen" in problem["detail"]
    assert await note_count(admin_engine, case.number) == 0


async def test_announced_oversized_upload_is_a_translated_problem(
    client: httpx.AsyncClient, tokens: TokenFactory, report: Callable[..., Any]
) -> None:
    """A Content-Length over the route's limit is refused before the body is read, by
    Starlette's limiter: a problem in the caller's language too, not its plain text."""
    case = await report()
    too_big = ("big.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024 + 100 * 1024), "image/jpeg")
    uploads = [
        (f"{STAFF}/{case.number}/attachments", await staff(tokens), "file"),
        (f"{case.url}/comments", case.headers, "photo"),
    ]
    for url, headers, part in uploads:
        response = await client.post(
            url,
            headers={**headers, "Accept-Language": "fr"},
            files={part: too_big},
            data={"visibility": "public"},
        )
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["content-language"] == "fr"
        problem = response.json()
        assert problem["code"] == "http.content_too_large"
        assert problem["detail"] == "Le corps de la requête est trop volumineux."
        assert problem["max_bytes"] == 2 * 1024 * 1024 + 64 * 1024
        assert problem["instance"] == url


async def test_confidential_case_shows_its_reporter_status_only(
    client: httpx.AsyncClient, tokens: TokenFactory, report: Callable[..., Any]
) -> None:
    case = await report(
        category="security", confidentiality=Confidentiality.CONFIDENTIAL, departments=("safety",)
    )
    officer = await staff(tokens, "security.leeuw")
    for path, body in [
        ("transitions", {"to": "in_progress", "public_message": "SECRET message"}),
        ("notes", {"text": "SECRET public update", "visibility": "public"}),
    ]:
        response = await client.post(f"{STAFF}/{case.number}/{path}", json=body, headers=officer)
        assert response.status_code in (200, 201), response.text
    view = await follow(client, case)
    assert (view["restricted"], view["status"]) == (True, "in_progress")
    assert [(e["kind"], e["status"]) for e in view["timeline"]] == [
        ("status", "new"),
        ("status", "in_progress"),
    ]
    assert all(e["author"] is None and e["message"] is None for e in view["timeline"])
    assert "SECRET" not in json.dumps(view)


async def test_staff_attachments_public_and_internal(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    stream_reader: Any,
) -> None:
    case = await report()
    headers = await staff(tokens)
    url = f"{STAFF}/{case.number}/attachments"
    pdf = b"%PDF-1.4\n% internal plan\n%%EOF\n"
    public = await client.post(
        url,
        data={"visibility": "public", "text": "Repaired, see photo"},
        files={"file": ("after.jpg", photo_with_exif(), "image/jpeg")},
        headers=headers,
    )
    assert public.status_code == 201, public.text
    internal = await client.post(
        url,
        data={"visibility": "internal"},
        files={"file": ("plan été.pdf", pdf, "application/pdf")},
        headers=headers,
    )
    assert internal.status_code == 201, internal.text
    photo_id = public.json()["attachments"][0]["id"]
    pdf_id = internal.json()["attachments"][0]["id"]

    listed = (await client.get(url, headers=headers)).json()
    assert [(a["id"], a["visibility"], a["content_type"]) for a in listed] == [
        (photo_id, "public", "image/jpeg"),
        (pdf_id, "internal", "application/pdf"),
    ]
    assert listed[1]["file_name"] == "plan été.pdf"
    detail = (await client.get(f"{STAFF}/{case.number}", headers=headers)).json()
    assert [a["id"] for a in detail["attachments"]] == [photo_id, pdf_id]

    link = await client.get(f"{url}/{pdf_id}", headers=await staff(tokens, "agent.leeuw"))
    assert link.status_code == 200, link.text
    async with httpx.AsyncClient() as browser:
        fetched = await browser.get(link.json()["url"])
    assert fetched.content == pdf
    assert "attachment;" in fetched.headers["content-disposition"]
    missing = await client.get(f"{url}/0190a1b2-0000-7000-8000-000000000000", headers=headers)
    assert missing.status_code == 404

    view = await follow(client, case)
    files = [a for e in view["timeline"] for a in e["attachments"]]
    assert [a["id"] for a in files] == [photo_id]
    assert pdf_id not in json.dumps(view)

    envelopes = await stream_reader.until(
        "CASES",
        f"guichet.{LEEUW}.case.commented.v1",
        lambda es: sum(e["data"]["case_number"] == case.number for e in es) >= 2,
    )
    mine = [e["data"] for e in envelopes if e["data"]["case_number"] == case.number]
    assert [len(e["attachments"]) for e in mine] == [1, 0]

    refusals: list[tuple[dict[str, Any], int]] = [
        ({"data": {"visibility": "public"}, "files": {"other": ("a.pdf", pdf, "x/y")}}, 422),
        ({"data": {"visibility": "public"}}, 415),
        (
            {
                "data": {"visibility": "secret"},
                "files": {"file": ("a.pdf", pdf, "application/pdf")},
            },
            422,
        ),
        (
            {
                "data": {"visibility": "public"},
                "files": {"file": ("a.gif", b"GIF89a...", "image/gif")},
            },
            415,
        ),
    ]
    for options, status in refusals:
        response = await client.post(url, headers=headers, **options)
        assert response.status_code == status, response.text
    agent = await client.post(
        url,
        data={"visibility": "public"},
        files={"file": ("a.pdf", pdf, "application/pdf")},
        headers=await staff(tokens, "agent.leeuw"),
    )
    assert agent.status_code == 403


@pytest.mark.parametrize("user", ["staff.soignies", "admin.soignies", "operator"])
async def test_other_municipality_gets_404_on_every_new_staff_endpoint(
    user: str,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    admin_engine: AsyncEngine,
) -> None:
    case = await report()
    own = await client.post(
        f"{STAFF}/{case.number}/attachments",
        data={"visibility": "public"},
        files={"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
        headers=await staff(tokens),
    )
    attachment_id = own.json()["attachments"][0]["id"]
    headers = await staff(tokens, user)
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"{STAFF}/{case.number}/attachments", {}),
        ("GET", f"{STAFF}/{case.number}/attachments/{attachment_id}", {}),
        ("GET", f"{STAFF}/{case.number}/photos", {}),
        (
            "POST",
            f"{STAFF}/{case.number}/attachments",
            {
                "data": {"visibility": "public"},
                "files": {"file": ("a.pdf", b"%PDF-1 y", "application/pdf")},
            },
        ),
        ("GET", SETTINGS, {}),
        ("PUT", SETTINGS, {"json": {"show_staff_names": True}}),
    ]
    for method, url, options in calls:
        response = await client.request(method, url, headers=headers, **options)
        assert response.status_code == 404, (url, response.text)
        assert response.json()["code"] == "municipality.not_found"
    assert await note_count(admin_engine, case.number) == 1
    shown = await client.get(SETTINGS, headers=await staff(tokens))
    assert shown.json() == {"show_staff_names": False}


async def test_duplicate_supporters_follow_the_case_they_joined(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    admin_engine: AsyncEngine,
) -> None:
    first = await report()
    async with admin_engine.connect() as conn:
        first_id = (
            await conn.execute(
                text("SELECT id FROM cases.case WHERE number = :n"), {"n": first.number}
            )
        ).scalar_one()
    duplicate = await report(outcome="duplicate", duplicate_of=first_id)
    assert duplicate.number == first.number
    view = await follow(client, duplicate)
    assert (view["case_number"], view["supporters"]) == (first.number, 2)
    assert view["tracking_number"] == duplicate.tracking_number

    merged = await report()
    moved = await client.post(
        f"{STAFF}/{merged.number}/transitions",
        json={"to": "duplicate", "reason": "same hole", "duplicate_of": first.number},
        headers=await staff(tokens),
    )
    assert moved.status_code == 200, moved.text
    view = await follow(client, merged)
    assert (view["case_number"], view["supporters"]) == (first.number, 3)
    said = await client.post(
        f"{merged.url}/comments", json={"text": "me too"}, headers=merged.headers
    )
    assert said.status_code == 201
    assert await note_count(admin_engine, first.number) == 1
    assert await note_count(admin_engine, merged.number) == 0
    original = await follow(client, first)
    assert [e["message"] for e in original["timeline"] if e["kind"] == "comment"] == ["me too"]


async def test_concurrent_comments_respect_the_hourly_limit(
    client: httpx.AsyncClient, report: Callable[..., Any], admin_engine: AsyncEngine
) -> None:
    case = await report()
    results = await asyncio.gather(
        *(
            client.post(f"{case.url}/comments", json={"text": f"n{i}"}, headers=case.headers)
            for i in range(PER_HOUR + 3)
        )
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] * PER_HOUR + [429] * 3
    assert await note_count(admin_engine, case.number) == PER_HOUR


async def test_logged_in_citizen_lists_their_own_cases_across_towns(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    report: Callable[..., Any],
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    admin_engine: AsyncEngine,
) -> None:
    citizen = USERS["citizen.itsme"]
    mine = await report(subject=citizen.sub)
    secret = await report(
        subject=citizen.sub,
        category="security",
        confidentiality=Confidentiality.CONFIDENTIAL,
        departments=("safety",),
    )
    not_mine = await report(subject=USERS["citizen.eid"].sub)
    async with admin_engine.connect() as conn:
        mine_id = (
            await conn.execute(
                text("SELECT id FROM cases.case WHERE number = :n"), {"n": mine.number}
            )
        ).scalar_one()
    supporting = await report(subject=citizen.sub, outcome="duplicate", duplicate_of=mine_id)
    elsewhere = make_decision("55040", subject=citizen.sub, departments=("voirie",))
    await apply_event(elsewhere)

    headers = {**(await tokens("citizen.itsme")).bearer, "Accept-Language": "fr"}
    listed = await client.get("/v1/tracking", headers=headers)
    assert listed.status_code == 200, listed.text
    items = {item["tracking_number"]: item for item in listed.json()}
    expected = {
        mine.tracking_number,
        secret.tracking_number,
        supporting.tracking_number,
        elsewhere.data["report"]["tracking_number"],
    }
    assert expected <= set(items)
    assert not_mine.tracking_number not in items
    assert items[supporting.tracking_number]["case_number"] == mine.number
    assert items[secret.tracking_number]["restricted"] is True
    assert items[mine.tracking_number]["status_label"] == "nouveau"
    other_town = items[elsewhere.data["report"]["tracking_number"]]
    assert other_town["municipality"]["code"] == "55040"
    assert other_town["case_number"].startswith("SOI-")

    staff_list = await client.get("/v1/tracking", headers=(await tokens("staff.leeuw")).bearer)
    assert staff_list.status_code == 200
    assert not {i["tracking_number"] for i in staff_list.json()} & expected
    assert (await client.get("/v1/tracking")).status_code == 401
