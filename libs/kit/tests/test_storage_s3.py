"""ObjectStorage against the stack's real S3 (SeaweedFS locally, same API as MinIO)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from minio import Minio
from minio.error import S3Error
from pydantic import SecretStr

from guichet_kit.storage import (
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStorage,
    ObjectTooLarge,
    StorageUnavailable,
    build_minio_client,
    content_disposition,
)
from guichet_testing.s3 import TEST_MAX_OBJECT_BYTES, s3_settings_for
from guichet_testing.stack import StackInfo

LEEUW, SOIGNIES = "23077", "55040"


def _unique(name: str) -> str:
    return f"tests/{os.urandom(6).hex()}/{name}"


def _all_keys(client: Minio, bucket: str) -> set[str]:
    return {o.object_name or "" for o in client.list_objects(bucket, recursive=True)}


async def test_roundtrip_preserves_bytes_type_and_metadata(object_storage: ObjectStorage) -> None:
    path = _unique("photo.jpg")
    data = os.urandom(200_000)
    stored = await object_storage.put(
        LEEUW, path, data, "image/jpeg", metadata={"sha256": hashlib.sha256(data).hexdigest()}
    )
    assert stored.key == f"{LEEUW}/{path}"
    assert stored.size == len(data)
    assert stored.etag == hashlib.md5(data).hexdigest()  # single-part upload: ETag = MD5

    assert await object_storage.get(LEEUW, path) == data
    info = await object_storage.stat(LEEUW, path)
    assert (info.key, info.size, info.etag) == (stored.key, len(data), stored.etag)
    assert info.content_type == "image/jpeg"
    assert info.metadata == {"sha256": hashlib.sha256(data).hexdigest()}
    assert info.last_modified is not None
    assert await object_storage.exists(LEEUW, path)

    await object_storage.delete(LEEUW, path)
    assert not await object_storage.exists(LEEUW, path)
    with pytest.raises(ObjectNotFound):
        await object_storage.get(LEEUW, path)
    await object_storage.delete(LEEUW, path)  # idempotent


async def test_put_replaces_and_empty_objects_work(object_storage: ObjectStorage) -> None:
    # ".bin": SeaweedFS (not MinIO) replaces application/octet-stream by a type guessed from
    # the key's extension; services always send the real type, see the next test.
    path = _unique("note.bin")
    await object_storage.put(LEEUW, path, b"first", "text/plain; charset=utf-8")
    await object_storage.put(LEEUW, path, b"", "application/octet-stream")
    assert await object_storage.get(LEEUW, path) == b""
    assert (await object_storage.stat(LEEUW, path)).content_type == "application/octet-stream"


async def test_content_type_is_the_one_sent_not_guessed(object_storage: ObjectStorage) -> None:
    path = _unique("misnamed.txt")
    await object_storage.put(LEEUW, path, b"\x89PNG", "image/png")
    assert (await object_storage.stat(LEEUW, path)).content_type == "image/png"
    url = await object_storage.presigned_get(LEEUW, path, timedelta(minutes=1))
    async with httpx.AsyncClient() as http:
        assert (await http.get(url)).headers["content-type"] == "image/png"


async def test_tenants_are_isolated(
    object_storage: ObjectStorage, s3_client: Minio, s3_bucket: str
) -> None:
    path = _unique("report.pdf")
    await object_storage.put(LEEUW, path, b"%PDF leeuw", "application/pdf")
    assert not await object_storage.exists(SOIGNIES, path)
    with pytest.raises(ObjectNotFound):
        await object_storage.get(SOIGNIES, path)
    await object_storage.delete(SOIGNIES, path)  # deletes nothing of Leeuw's
    assert await object_storage.get(LEEUW, path) == b"%PDF leeuw"
    assert f"{LEEUW}/{path}" in _all_keys(s3_client, s3_bucket)


@pytest.mark.parametrize(
    ("tenant", "path"),
    [
        (LEEUW, f"../{SOIGNIES}/stolen.txt"),
        (LEEUW, f"tests/../../{SOIGNIES}/stolen.txt"),
        (LEEUW, f"/{SOIGNIES}/stolen.txt"),
        (LEEUW, "tests//stolen.txt"),
        (f"{LEEUW}/..", "stolen.txt"),
        (f"../{SOIGNIES}", "stolen.txt"),
        ("", f"{SOIGNIES}/stolen.txt"),
    ],
)
async def test_escape_attempts_are_refused_before_any_request(
    object_storage: ObjectStorage, s3_client: Minio, s3_bucket: str, tenant: str, path: str
) -> None:
    before = _all_keys(s3_client, s3_bucket)
    with pytest.raises(InvalidObjectKey):
        await object_storage.put(tenant, path, b"x", "text/plain")
    for call in (object_storage.get, object_storage.stat, object_storage.delete):
        with pytest.raises(InvalidObjectKey):
            await call(tenant, path)
    with pytest.raises(InvalidObjectKey):
        await object_storage.presigned_get(tenant, path, timedelta(minutes=1))
    assert _all_keys(s3_client, s3_bucket) == before
    assert not any("stolen" in key for key in before)


async def test_size_limit_is_refused_before_upload(
    object_storage: ObjectStorage, stack: StackInfo
) -> None:
    path = _unique("big.bin")
    at_limit = b"\0" * TEST_MAX_OBJECT_BYTES
    await object_storage.put(LEEUW, path, at_limit, "application/octet-stream")
    with pytest.raises(ObjectTooLarge) as info:
        await object_storage.put(LEEUW, path, at_limit + b"\0", "application/octet-stream")
    assert (info.value.status, info.value.limit, info.value.size) == (
        413,
        TEST_MAX_OBJECT_BYTES,
        TEST_MAX_OBJECT_BYTES + 1,
    )
    assert (await object_storage.stat(LEEUW, path)).size == TEST_MAX_OBJECT_BYTES  # untouched

    # Refused without touching the network: the same call on an unreachable endpoint still
    # says "too large", not "unavailable".
    dead = build_minio_client(s3_settings_for(stack, "nowhere", s3_endpoint="127.0.0.1:9"))
    offline = ObjectStorage(dead, "nowhere", max_object_bytes=10)
    try:
        with pytest.raises(ObjectTooLarge):
            await offline.put(LEEUW, "x.bin", b"\0" * 11, "application/octet-stream")
        with pytest.raises(StorageUnavailable):
            await offline.put(LEEUW, "x.bin", b"\0" * 10, "application/octet-stream")
    finally:
        await offline.aclose()


async def test_presigned_get_works_over_http(object_storage: ObjectStorage) -> None:
    path = _unique("photo.png")
    data = os.urandom(5_000)
    await object_storage.put(SOIGNIES, path, data, "image/png")
    disposition = content_disposition("Rue de l'Église.png")
    url = await object_storage.presigned_get(
        SOIGNIES, path, timedelta(minutes=5), content_disposition=disposition
    )
    assert "X-Amz-Signature=" in url
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == disposition


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


async def test_presigned_get_refuses_tampering_and_expiry(object_storage: ObjectStorage) -> None:
    path, other = _unique("a.txt"), _unique("b.txt")
    await object_storage.put(LEEUW, path, b"mine", "text/plain")
    await object_storage.put(LEEUW, other, b"other", "text/plain")
    # X-Amz-Date is cut to the second: a 1 s URL can be stale before its first use on a busy
    # machine. 3 s, then past it.
    url = await object_storage.presigned_get(LEEUW, path, timedelta(seconds=3))
    signature = dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"]
    flipped = "0" if signature[-1] != "0" else "1"
    tampered = [
        _with_query(url, **{"X-Amz-Signature": signature[:-1] + flipped}),
        _with_query(url, **{"X-Amz-Expires": "604800"}),  # extend its life
        url.replace(path, other),  # same signature, another object
        url.replace(f"/{LEEUW}/", f"/{SOIGNIES}/"),  # same signature, another tenant
    ]
    async with httpx.AsyncClient() as http:
        assert (await http.get(url)).status_code == 200
        for bad in tampered:
            assert (await http.get(bad)).status_code == 403, bad
        await asyncio.sleep(4.5)
        expired = await http.get(url)
    assert expired.status_code == 403
    assert "expired" in expired.text.lower()


async def test_presigned_expiry_bounds(object_storage: ObjectStorage) -> None:
    for expires in (timedelta(0), timedelta(milliseconds=500), timedelta(days=7, seconds=1)):
        with pytest.raises(ValueError, match="expires"):
            await object_storage.presigned_get(LEEUW, "a.txt", expires)


async def test_wrong_secret_is_refused_by_the_server(
    stack: StackInfo, s3_bucket: str, object_storage: ObjectStorage
) -> None:
    path = _unique("a.txt")
    await object_storage.put(LEEUW, path, b"secret", "text/plain")
    settings = s3_settings_for(stack, s3_bucket, s3_secret_key=SecretStr("not-the-secret"))
    impostor = ObjectStorage(build_minio_client(settings), s3_bucket, TEST_MAX_OBJECT_BYTES)
    try:
        with pytest.raises(StorageUnavailable) as put_error:
            await impostor.put(LEEUW, _unique("x.txt"), b"x", "text/plain")
        assert put_error.value.s3_code == "SignatureDoesNotMatch"
        assert isinstance(put_error.value.__cause__, S3Error)
        with pytest.raises(StorageUnavailable):
            await impostor.get(LEEUW, path)
        # A URL signed with the wrong secret is refused too.
        forged = await impostor.presigned_get(LEEUW, path, timedelta(minutes=1))
        async with httpx.AsyncClient() as http:
            assert (await http.get(forged)).status_code == 403
    finally:
        await impostor.aclose()


async def test_concurrent_calls_share_the_bounded_pool(object_storage: ObjectStorage) -> None:
    paths = [_unique(f"{i}.bin") for i in range(40)]
    payloads = [os.urandom(1_000) for _ in paths]
    await asyncio.gather(
        *(
            object_storage.put(LEEUW, p, d, "application/octet-stream")
            for p, d in zip(paths, payloads, strict=True)
        )
    )
    fetched = await asyncio.gather(*(object_storage.get(LEEUW, p) for p in paths))
    assert fetched == payloads
