"""A town's categories as a citizen reads them: public, in their language, nothing of how the
town handles reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from guichet_testing.database import ServiceDatabase
from routing.directory.seed import SeedReport

LEEUW, SOIGNIES = "23077", "55040"


@pytest.fixture
async def client(
    run_routing: Any, routing_db: ServiceDatabase, seeded: SeedReport
) -> AsyncIterator[httpx.AsyncClient]:
    async with run_routing(routing_db) as client:
        yield client


def by_code(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {category["code"]: category for category in body["categories"]}


async def test_a_citizen_reads_a_town_s_categories_in_their_language_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        f"/v1/municipalities/{LEEUW}/categories", headers={"Accept-Language": "de-BE, nl;q=0.5"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "de"
    body = response.json()
    assert (body["nis"], body["language"]) == (LEEUW, "de")
    categories = by_code(body)
    dumping = categories["illegal_dumping"]
    assert dumping["label"] == "Wilde Müllablagerung"
    assert {"code": "bulky_waste", "label": "Sperrmüll"} in dumping["subcategories"]
    volume = next(q for q in dumping["questions"] if q["code"] == "volume")
    assert volume["required"] is True
    assert volume["datatype"] == "singlevaluelist"
    assert all(set(option) == {"key", "label"} for option in volume["options"])
    # A confidential category is listed (it must be reportable), marked unpublished, with
    # its notice; nothing says who handles it, how urgently or how fast.
    security = categories["security_fact"]
    assert security["published"] is False
    assert "112" in security["notice"]
    assert dumping["published"] is True
    assert set(dumping) == {"code", "label", "notice", "published", "subcategories", "questions"}


async def test_lang_overrides_accept_language_and_the_town_s_language_is_the_default(
    client: httpx.AsyncClient,
) -> None:
    url = f"/v1/municipalities/{SOIGNIES}/categories"
    chosen = await client.get(f"{url}?lang=nl", headers={"Accept-Language": "fr"})
    assert by_code(chosen.json())["illegal_dumping"]["label"] == "Sluikstort"
    unspoken = await client.get(url, headers={"Accept-Language": "es"})
    assert unspoken.json()["language"] == "fr"
    assert by_code(unspoken.json())["illegal_dumping"]["label"] == "Dépôt clandestin"
    wrong = await client.get(f"{url}?lang=es")
    assert wrong.status_code == 422


async def test_an_unchanged_catalogue_is_not_sent_again(client: httpx.AsyncClient) -> None:
    url = f"/v1/municipalities/{LEEUW}/categories?lang=nl"
    first = await client.get(url)
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = await client.get(f"/v1/municipalities/{LEEUW}/categories?lang=fr")
    assert other.headers["etag"] != etag


async def test_an_unknown_town_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/municipalities/99999/categories")
    assert response.status_code == 404
    assert response.json()["code"] == "municipality.not_found"
