"""Another municipality's staff sees and changes nothing of Sint-Pieters-Leeuw, through every
endpoint of intake, routing and cases.

The endpoints are read from each running service's /openapi.json, so an endpoint added later
is covered automatically: it fails this test until it has a known case in `KNOWN` below. Path
parameters are filled with the real ids of Leeuw's objects (a case, its report, a rule, a
department, a canned response), checked to exist through the owner's own GET. Every Soignies
role (field agent, staff, coordinator, tenant admin) is tried on every endpoint; afterwards
every table of the three schemas and every stream is exactly as before.

Denial: 404 everywhere, as if Leeuw were not hosted: `municipality.not_found` from the
admission every municipality endpoint takes (docs/roles.md), the service's own "not found"
where the object is addressed otherwise (a tracking number). Hosting a municipality is the
operator's, platform-wide: another town's staff are not members of Leeuw, so it is 404 too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from guichet_testing.oidc import TokenFactory
from tests.e2e.events import tap
from tests.e2e.pipeline import PIPELINE, Platform
from tests.e2e.reports import LEEUW, SOIGNIES, jpeg_with_exif, place, report, submit

OUTSIDERS = ("agent.soignies", "staff.soignies", "coordinator.soignies", "admin.soignies")
METHODS = ("get", "put", "post", "patch", "delete")
DENIED: dict[str, tuple[int, frozenset[str]]] = {
    "intake": (404, frozenset({"report.not_found"})),
    "routing": (404, frozenset({"municipality.not_found"})),
    "cases": (404, frozenset({"municipality.not_found", "case.tracking_not_found"})),
}
SPARE_DEPARTMENT = "E2E_SPARE"
CANNED = ("e2e_thanks", "nl")
RULE_KEYWORD = "e2e-cross-tenant-never-matches"
REPORTER_ACCOUNT = "citizen.eid"  # submits Leeuw's report while logged in
PHOTO = ("file", ("photo.jpg", jpeg_with_exif(place(LEEUW), (320, 240)), "image/jpeg"))


def labels(text: str) -> dict[str, str]:
    return {"fr": text, "nl": text, "de": text, "en": text}


@dataclass(frozen=True)
class Known:
    """How an endpoint is probed: `body` for writes, `owner` proves the ids are real (GET),
    `exempt` says why the endpoint addresses no town's data."""

    body: dict[str, Any] | None = None
    owner: str | None = None
    exempt: str | None = None
    multipart: bool = False  # send `body` as form fields with a photo in part `file`
    own_only: bool = False  # answers the caller's own data: 200 without any of Leeuw's


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.24, 50.77], [4.25, 50.77], [4.25, 50.78], [4.24, 50.78], [4.24, 50.77]]],
}
RULE = {
    "name": "e2e rule",
    "categories": ["graffiti"],
    "keywords": [RULE_KEYWORD],
    "departments": ["CLEAN"],
    "priority": "high",
    "sla_business_days": 2,
}
CATEGORY = {
    "labels": labels("Graffiti"),
    "default_department": "CLEAN",
    "default_priority": "urgent",
    "confidentiality": "public",
    "sla_business_days": 1,
    "duplicate_radius_m": 500,
    "subcategories": [{"code": "tag", "labels": labels("Tag")}],
}
PUBLIC = "public probe, no municipality's data"
OPEN311 = (
    "Open311 GeoReport v2 is anonymous by spec: a token grants nothing, only public cases "
    "are shown, jurisdiction by query parameter (visibility tested in intake's Open311 tests)"
)
OPEN311_PATHS = (
    ("GET", "/open311/discovery.{format}"),
    ("GET", "/open311/v2/services.{format}"),
    ("GET", "/open311/v2/services/{service_code}.{format}"),
    ("POST", "/open311/v2/requests.{format}"),
    ("GET", "/open311/v2/requests.{format}"),
    ("GET", "/open311/v2/requests/{service_request_id}.{format}"),
    ("GET", "/open311/v2/tokens/{token}.{format}"),
)
KNOWN: dict[tuple[str, str, str], Known] = {
    **{("intake", method, path): Known(exempt=OPEN311) for method, path in OPEN311_PATHS},
    **{
        (svc, "GET", path): Known(exempt=PUBLIC)
        for svc in PIPELINE
        for path in ("/healthz", "/readyz")
    },
    ("intake", "POST", "/v1/reports"): Known(
        exempt="submitting a report addresses no existing object; a report a town's staff "
        "records in another town is a documented hand-over (received_via)"
    ),
    ("intake", "GET", "/v1/reports/{tracking_number}"): Known(owner="reporter"),
    ("routing", "PUT", "/v1/municipalities/{nis}"): Known(
        body={
            "names": labels("Annexed"),
            "languages": ["fr"],
            "case_prefix": "ANX",
            "boundary": SQUARE,
        },
    ),
    ("routing", "PUT", "/v1/municipalities/{nis}/boundary"): Known(body=SQUARE),
    ("routing", "GET", "/v1/municipalities/{nis}/categories"): Known(
        exempt="public by design: what a citizen may report in the town, labels only "
        "(docs/services/routing.md); it changes nothing"
    ),
    ("routing", "GET", "/v1/municipalities/{nis}/directory"): Known(owner="admin.leeuw"),
    ("routing", "PUT", "/v1/municipalities/{nis}/departments/{code}"): Known(
        body={"labels": labels("Taken over"), "kind": "municipal"}
    ),
    ("routing", "DELETE", "/v1/municipalities/{nis}/departments/{code}"): Known(),
    ("routing", "PUT", "/v1/municipalities/{nis}/categories/{code}"): Known(body=CATEGORY),
    ("routing", "DELETE", "/v1/municipalities/{nis}/categories/{code}"): Known(),
    ("routing", "GET", "/v1/municipalities/{nis}/rules"): Known(owner="admin.leeuw"),
    ("routing", "PUT", "/v1/municipalities/{nis}/rules"): Known(body={"rules": []}),
    ("routing", "GET", "/v1/municipalities/{nis}/rules/{rule_id}"): Known(owner="admin.leeuw"),
    ("routing", "GET", "/v1/municipalities/{nis}/decisions/{report_id}"): Known(
        owner="staff.leeuw"
    ),
    ("cases", "GET", "/v1/municipalities/{nis}/cases"): Known(owner="staff.leeuw"),
    ("cases", "GET", "/v1/municipalities/{nis}/cases/{case_number}"): Known(owner="staff.leeuw"),
    ("cases", "GET", "/v1/municipalities/{nis}/cases/{case_number}/photos"): Known(
        owner="staff.leeuw"
    ),
    ("cases", "POST", "/v1/municipalities/{nis}/cases/{case_number}/transitions"): Known(
        body={"to": "rejected", "reason": "not ours"}
    ),
    ("cases", "POST", "/v1/municipalities/{nis}/cases/{case_number}/assignment"): Known(
        body={"department": "POLICE", "assignee_name": "Intruder"}
    ),
    ("cases", "POST", "/v1/municipalities/{nis}/cases/{case_number}/notes"): Known(
        body={"text": "seen from Soignies", "visibility": "public"}
    ),
    ("cases", "GET", "/v1/municipalities/{nis}/canned-responses"): Known(owner="staff.leeuw"),
    ("cases", "PUT", "/v1/municipalities/{nis}/canned-responses/{code}/{language}"): Known(
        body={"title": "Overwritten", "body": "Overwritten from Soignies"}
    ),
    ("cases", "DELETE", "/v1/municipalities/{nis}/canned-responses/{code}/{language}"): Known(),
    ("cases", "POST", "/v1/municipalities/{nis}/cases/{case_number}/attachments"): Known(
        body={"visibility": "public", "text": "a photo from Soignies"}, multipart=True
    ),
    ("cases", "GET", "/v1/municipalities/{nis}/cases/{case_number}/attachments"): Known(
        owner="staff.leeuw"
    ),
    (
        "cases",
        "GET",
        "/v1/municipalities/{nis}/cases/{case_number}/attachments/{attachment_id}",
    ): Known(owner="staff.leeuw"),
    ("cases", "GET", "/v1/municipalities/{nis}/case-settings"): Known(owner="staff.leeuw"),
    ("cases", "PUT", "/v1/municipalities/{nis}/case-settings"): Known(
        body={"show_staff_names": True}
    ),
    ("cases", "GET", "/v1/tracking"): Known(owner=REPORTER_ACCOUNT, own_only=True),
    ("cases", "GET", "/v1/tracking/{tracking_number}"): Known(owner="reporter"),
    ("cases", "POST", "/v1/tracking/{tracking_number}/comments"): Known(
        body={"text": "a comment from Soignies"}
    ),
}


@dataclass(frozen=True)
class Leeuw:
    """Real objects of Sint-Pieters-Leeuw the probes aim at."""

    case_number: str
    report_id: str
    tracking_number: str
    tracking_token: str
    rule_id: str
    attachment_id: str

    def identifiers(self) -> set[str]:
        return {self.case_number, self.report_id, self.tracking_number, self.tracking_token}

    def params(self, path: str) -> dict[str, str]:
        """Values of the path parameters; `code` names a different thing per collection (and
        is left out for a collection not listed, so that a new endpoint fails clearly)."""
        codes = {
            "/departments/": SPARE_DEPARTMENT,
            "/categories/": "graffiti",
            "/canned-responses/": CANNED[0],
        }
        found = [value for part, value in codes.items() if part in path]
        code = {"code": found[0]} if found else {}
        return code | {
            "nis": LEEUW,
            "case_number": self.case_number,
            "report_id": self.report_id,
            "tracking_number": self.tracking_number,
            "rule_id": self.rule_id,
            "attachment_id": self.attachment_id,
            "language": CANNED[1],
        }


async def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
async def leeuw(platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory) -> Leeuw:
    async with tap(platform.nats.url) as events:
        response = await submit(
            http,
            platform.url("intake"),
            report(place(LEEUW, north_m=1000), "graffiti"),
            headers=(await tokens(REPORTER_ACCOUNT)).bearer,
        )
        receipt = await _ok(response)
        created = await events.wait_for("case.created", report_id=receipt["report_id"])
    routing = f"{platform.url('routing')}/v1/municipalities/{LEEUW}"
    admin = (await tokens("admin.leeuw")).bearer
    await _ok(await http.put(f"{routing}/rules", json={"rules": [RULE]}, headers=admin))
    rules = await _ok(await http.get(f"{routing}/rules", headers=admin))
    spare = {"labels": labels("Spare"), "kind": "municipal"}
    put = await http.put(f"{routing}/departments/{SPARE_DEPARTMENT}", json=spare, headers=admin)
    await _ok(put)
    canned = f"{platform.url('cases')}/v1/municipalities/{LEEUW}/canned-responses"
    await _ok(
        await http.put(
            f"{canned}/{CANNED[0]}/{CANNED[1]}",
            json={"title": "Bedankt", "body": "Bedankt voor uw melding."},
            headers=(await tokens("coordinator.leeuw")).bearer,
        )
    )
    case = f"{platform.url('cases')}/v1/municipalities/{LEEUW}/cases/{created.data['case_number']}"
    staff = (await tokens("staff.leeuw")).bearer
    upload = await http.post(
        f"{case}/attachments", data={"visibility": "internal"}, files=[PHOTO], headers=staff
    )
    await _ok(upload)
    [attachment] = (await http.get(f"{case}/attachments", headers=staff)).json()
    return Leeuw(
        attachment_id=attachment["id"],
        case_number=created.data["case_number"],
        report_id=receipt["report_id"],
        tracking_number=receipt["tracking_number"],
        tracking_token=receipt["tracking_token"],
        rule_id=rules["rules"][0]["id"],
    )


async def _probe(
    http: httpx.AsyncClient, method: str, url: str, known: Known, headers: dict[str, str]
) -> httpx.Response:
    if known.multipart:
        return await http.request(method, url, data=known.body, files=[PHOTO], headers=headers)
    return await http.request(method, url, json=known.body, headers=headers)


async def _endpoints(platform: Platform, http: httpx.AsyncClient) -> list[tuple[str, str, str]]:
    found = []
    for service in PIPELINE:
        spec = await _ok(await http.get(f"{platform.url(service)}/openapi.json"))
        for path, operations in spec["paths"].items():
            found += [(service, m.upper(), path) for m in operations if m in METHODS]
    return found


def _fill(path: str, leeuw: Leeuw, nis: str = LEEUW) -> str:
    values = leeuw.params(path) | {"nis": nis}
    names = re.findall(r"{(\w+)}", path)
    unknown = [name for name in names if name not in values]
    assert not unknown, f"{path}: no value for path parameter(s) {unknown} of a Leeuw object"
    return path.format(**{name: values[name] for name in names})


async def test_every_endpoint_has_a_known_cross_tenant_case(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    endpoints = await _endpoints(platform, http)
    uncovered = [endpoint for endpoint in endpoints if endpoint not in KNOWN]
    assert not uncovered, (
        f"endpoints without a cross-tenant case (add them to KNOWN in {__name__}): {uncovered}"
    )
    stale = set(KNOWN) - set(endpoints)
    assert not stale, f"KNOWN lists endpoints the services no longer have: {stale}"


async def test_the_probed_ids_are_real_for_their_owner(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory, leeuw: Leeuw
) -> None:
    for service, method, path in await _endpoints(platform, http):
        known = KNOWN.get((service, method, path))
        if known is None or known.owner is None:
            continue
        if known.owner == "reporter":
            headers = {"X-Tracking-Token": leeuw.tracking_token}
        else:
            headers = (await tokens(known.owner)).bearer
        url = platform.url(service) + _fill(path, leeuw)
        response = await http.request(method, url, headers=headers)
        assert response.status_code == 200, f"{method} {url} as {known.owner}: {response.text}"
        if known.own_only:
            assert leeuw.case_number in response.text
    directory = await _ok(
        await http.get(
            f"{platform.url('routing')}/v1/municipalities/{LEEUW}/directory",
            headers=(await tokens("admin.leeuw")).bearer,
        )
    )
    assert SPARE_DEPARTMENT in {d["code"] for d in directory["departments"]}


async def test_another_towns_staff_sees_and_changes_nothing_through_any_endpoint(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory, leeuw: Leeuw
) -> None:
    probes = [
        (service, method, path, KNOWN[(service, method, path)])
        for service, method, path in await _endpoints(platform, http)
        if (service, method, path) in KNOWN and KNOWN[(service, method, path)].exempt is None
    ]
    assert len(probes) >= 18
    before, streams_before = await platform.quiet_digest(), await platform.streams()

    refused: list[str] = []
    for username in OUTSIDERS:
        bearer = (await tokens(username)).bearer
        for service, method, path, known in probes:
            url = platform.url(service) + _fill(path, leeuw)
            response = await _probe(http, method, url, known, bearer)
            where = f"{username}: {method} {url} → {response.status_code} {response.text[:300]}"
            if known.own_only:
                assert response.status_code == 200, where
                assert not leeuw.identifiers() & set(re.findall(r"[\w-]+", response.text)), where
                refused.append(where)
                continue
            status, codes = DENIED[service]
            assert response.status_code == status, where
            assert response.headers["content-type"].startswith("application/problem+json"), where
            assert response.json()["code"] in codes, where
            assert leeuw.tracking_token not in response.text, where
            refused.append(where)

    after, streams_after = await platform.quiet_digest(), await platform.streams()
    changed = sorted(table for table in after if after[table] != before.get(table))
    assert not changed, f"tables changed by refused requests: {changed}"
    assert streams_after == streams_before
    assert len(refused) == len(OUTSIDERS) * len(probes)


UNIQUE_IDS = frozenset({"case_number", "report_id", "rule_id", "attachment_id"})
OWN_TOWN_CALLER = {"routing": "admin.soignies", "cases": "coordinator.soignies"}


async def test_leeuws_ids_under_the_callers_own_town_find_nothing(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory, leeuw: Leeuw
) -> None:
    """The other way in: Soignies' own path (where its roles are admitted) with the id of a
    Leeuw object. Row-level security must make the object absent: 404, nothing changed."""
    probes = [
        (service, method, path, KNOWN[(service, method, path)])
        for service, method, path in await _endpoints(platform, http)
        if "{nis}" in path
        and UNIQUE_IDS & set(re.findall(r"{(\w+)}", path))
        and KNOWN[(service, method, path)].exempt is None
    ]
    assert len(probes) >= 9
    before, streams_before = await platform.quiet_digest(), await platform.streams()
    for service, method, path, known in probes:
        bearer = (await tokens(OWN_TOWN_CALLER[service])).bearer
        url = platform.url(service) + _fill(path, leeuw, nis=SOIGNIES)
        response = await _probe(http, method, url, known, bearer)
        where = f"{method} {url} → {response.status_code} {response.text[:300]}"
        assert response.status_code == 404, where
        assert response.headers["content-type"].startswith("application/problem+json"), where
    after, streams_after = await platform.quiet_digest(), await platform.streams()
    assert sorted(t for t in after if after[t] != before.get(t)) == []
    assert streams_after == streams_before


async def test_open311_under_another_jurisdiction_shows_nothing_of_leeuw(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory, leeuw: Leeuw
) -> None:
    """Open311 is anonymous, the jurisdiction is a query parameter: Leeuw's public request is
    found under Leeuw's jurisdiction only, whoever asks."""
    base = f"{platform.url('intake')}/open311/v2"
    bearer = (await tokens("staff.soignies")).bearer
    one = f"{base}/requests/{leeuw.tracking_number}.json"
    by_token = f"{base}/tokens/{leeuw.report_id}.json"
    listed = f"{base}/requests.json"
    for url in (one, by_token):
        own = await http.get(url, params={"jurisdiction_id": LEEUW})
        assert own.status_code == 200, own.text
        assert leeuw.tracking_number in own.text
        other = await http.get(url, params={"jurisdiction_id": SOIGNIES}, headers=bearer)
        assert other.status_code == 404, other.text
        [error] = other.json()  # the spec's error document (it echoes the id asked for)
        assert error["code"] == 404
    search = {"service_request_id": leeuw.tracking_number}
    own_list = await http.get(listed, params={"jurisdiction_id": LEEUW, **search})
    assert leeuw.tracking_number in own_list.text
    other_list = await http.get(
        listed, params={"jurisdiction_id": SOIGNIES, **search}, headers=bearer
    )
    assert other_list.status_code == 200, other_list.text
    assert other_list.json() == []
