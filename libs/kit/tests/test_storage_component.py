"""StorageComponent in a real app (build_app): lifespan, /readyz, dependency, errors."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from minio import Minio
from pydantic import SecretStr

from guichet_kit.app import build_app
from guichet_kit.settings import Environment, KitSettings
from guichet_kit.storage import (
    STATE_ATTRIBUTE,
    ObjectStorage,
    StorageComponent,
    StorageUnavailable,
    build_minio_client,
    build_object_storage,
    get_storage,
)
from guichet_testing.s3 import random_bucket_name, remove_bucket, s3_settings_for
from guichet_testing.stack import StackInfo

router = APIRouter()


@router.post("/files/{tenant}")
async def upload(
    tenant: str, body: dict[str, str], storage: Annotated[ObjectStorage, Depends(get_storage)]
) -> dict[str, Any]:
    path = f"docs/{body['name']}"
    stored = await storage.put(tenant, path, body["text"].encode(), "text/plain")
    url = await storage.presigned_get(tenant, path, timedelta(minutes=1))
    return {"key": stored.key, "size": stored.size, "url": url}


def _production(stack: StackInfo, bucket: str, **overrides: object) -> KitSettings:
    return s3_settings_for(
        stack,
        bucket,
        environment=Environment.PRODUCTION,
        nrn_hash_key=SecretStr("k" * 32),
        oidc_issuers=["https://idp.example.be/realms/guichet"],
        **overrides,
    )


@asynccontextmanager
async def running(
    settings: KitSettings, component: StorageComponent
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = build_app(
        settings=settings, title="t", version="0", routers=[router], components=[component]
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            yield client
    assert not hasattr(app.state, STATE_ATTRIBUTE)


async def test_dev_app_creates_its_bucket_and_serves_files(
    stack: StackInfo, s3_client: Minio
) -> None:
    bucket = random_bucket_name()
    settings = s3_settings_for(stack, bucket, environment=Environment.DEV)
    component = StorageComponent(settings, max_object_bytes=100)
    try:
        async with running(settings, component) as client:
            assert s3_client.bucket_exists(bucket)
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"]["storage"]["status"] == "ok"

            created = await client.post("/files/23077", json={"name": "a.txt", "text": "hello"})
            assert created.status_code == 200, created.text
            assert created.json()["key"] == "23077/docs/a.txt"
            async with httpx.AsyncClient() as http:
                assert (await http.get(created.json()["url"])).content == b"hello"

            too_large = await client.post(
                "/files/23077",
                json={"name": "b.txt", "text": "x" * 101},
                headers={"Accept-Language": "fr"},
            )
            assert too_large.status_code == 413
            assert too_large.headers["content-type"].startswith("application/problem+json")
            problem = too_large.json()
            assert problem["code"] == "storage.object_too_large"
            assert problem["max_bytes"] == 100
            assert "trop volumineux" in problem["detail"]

            escape = await client.post("/files/23077", json={"name": "../../55040/x", "text": "x"})
            assert escape.status_code == 400, escape.text
            assert escape.json()["code"] == "storage.invalid_key"
            bad_tenant = await client.post("/files/2307x", json={"name": "a.txt", "text": "x"})
            assert bad_tenant.status_code == 400
            assert bad_tenant.json()["code"] == "storage.invalid_key"
        with pytest.raises(RuntimeError, match="not started"):
            _ = component.storage
    finally:
        remove_bucket(s3_client, bucket)


async def test_production_does_not_create_the_bucket_and_reports_it_missing(
    stack: StackInfo, s3_client: Minio
) -> None:
    bucket = random_bucket_name()
    settings = _production(stack, bucket)
    component = StorageComponent(settings)
    try:
        async with running(settings, component) as client:
            assert not s3_client.bucket_exists(bucket)
            not_ready = await client.get("/readyz")
            assert not_ready.status_code == 503
            assert not_ready.json()["failing"] == ["storage"]
            assert "does not exist" in not_ready.json()["checks"]["storage"]["error"]

            s3_client.make_bucket(bucket)  # the platform provisions it
            assert (await client.get("/readyz")).status_code == 200
    finally:
        remove_bucket(s3_client, bucket)


async def test_wrong_credentials_make_the_service_unready(stack: StackInfo, s3_bucket: str) -> None:
    settings = _production(stack, s3_bucket, s3_secret_key=SecretStr("wrong-secret-value"))
    component = StorageComponent(settings)
    async with running(settings, component) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert "AccessDenied" in response.json()["checks"]["storage"]["error"]
        with pytest.raises(StorageUnavailable):
            await component.readiness_check().probe()


async def test_unreachable_s3_does_not_block_startup(stack: StackInfo) -> None:
    settings = s3_settings_for(
        stack, random_bucket_name(), environment=Environment.DEV, s3_endpoint="127.0.0.1:9"
    )
    component = StorageComponent(settings, start_timeout=1.0)
    started = time.monotonic()
    async with running(settings, component) as client:
        assert time.monotonic() - started < 5
        assert (await client.get("/healthz")).status_code == 200
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["storage"]


async def test_public_url_signs_for_the_public_host(
    stack: StackInfo, s3_settings: KitSettings, object_storage: ObjectStorage
) -> None:
    port = stack.s3_endpoint.rsplit(":", 1)[1]
    storage = build_object_storage(s3_settings, public_url=f"http://localhost:{port}")
    try:
        await object_storage.put("63023", "public/a.txt", b"eupen", "text/plain")
        url = await storage.presigned_get("63023", "public/a.txt", timedelta(minutes=1))
        assert url.startswith(
            f"http://localhost:{port}/{s3_settings.s3_bucket}/63023/public/a.txt?"
        )
        async with httpx.AsyncClient() as http:
            assert (await http.get(url)).content == b"eupen"
            # The signature covers the host: the same URL on another host name is refused.
            other_host = url.replace(f"localhost:{port}", stack.s3_endpoint)
            assert (await http.get(other_host)).status_code == 403
    finally:
        await storage.aclose()


@pytest.mark.parametrize(
    ("overrides", "public_url", "message"),
    [
        ({"s3_endpoint": None}, None, "not configured"),
        ({"s3_endpoint": "http://127.0.0.1:9000"}, None, "host"),
        ({}, "files.example.be", "public_url"),
        ({}, "https://files.example.be/bucket", "public_url"),
    ],
)
def test_factory_refuses_bad_configuration(
    stack: StackInfo, overrides: dict[str, object], public_url: str | None, message: str
) -> None:
    settings = s3_settings_for(stack, "b", **overrides)
    with pytest.raises(ValueError, match=message):
        build_object_storage(settings, public_url=public_url)


def test_factory_builds_without_network(stack: StackInfo) -> None:
    client = build_minio_client(s3_settings_for(stack, "b", s3_endpoint="10.255.255.1:9000"))
    assert isinstance(client, Minio)  # constructing never connects


async def test_a_refused_upload_answers_503_with_retry_after_and_one_log_line(
    stack: StackInfo, s3_bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _production(stack, s3_bucket, s3_secret_key=SecretStr("wrong-secret-value"))
    async with running(settings, StorageComponent(settings)) as client:
        caplog.clear()
        response = await client.post(
            "/files/23077", json={"name": "a.txt", "text": "x"}, headers={"Accept-Language": "nl"}
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["code"] == "storage.unavailable"
    assert response.json()["detail"].startswith("De bestandsopslag is tijdelijk niet beschikbaar")
    [line] = [r for r in caplog.records if r.name == "guichet.errors"]
    assert line.getMessage() == "s3 unavailable: SignatureDoesNotMatch"
    assert line.exc_info is None
