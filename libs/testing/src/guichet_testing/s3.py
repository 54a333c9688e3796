"""S3 fixtures: a fresh bucket per test session on the stack's real S3, emptied and removed
at the end. Tests never share a bucket with another session (random name)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from pydantic import SecretStr

from guichet_kit.settings import Environment, KitSettings
from guichet_kit.storage import ObjectStorage, build_minio_client
from guichet_testing.stack import StackInfo

TEST_MAX_OBJECT_BYTES = 1024 * 1024


def random_bucket_name(prefix: str = "guichet-test") -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def s3_settings_for(stack: StackInfo, bucket: str, **overrides: object) -> KitSettings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "s3_endpoint": stack.s3_endpoint,
        "s3_access_key": stack.s3_access_key,
        "s3_secret_key": SecretStr(stack.s3_secret_key),
        "s3_bucket": bucket,
        "s3_secure": False,
    }
    return KitSettings.model_validate(values | overrides)


def remove_bucket(client: Minio, bucket: str) -> None:
    """Empty then delete a bucket (MinIO refuses to delete a non-empty one); no-op if gone."""
    try:
        names = [o.object_name for o in client.list_objects(bucket, recursive=True)]
        errors = list(
            client.remove_objects(bucket, (DeleteObject(n) for n in names if n is not None))
        )
        if errors:
            raise RuntimeError(f"could not empty bucket {bucket}: {errors[:3]}")
        client.remove_bucket(bucket)
    except S3Error as exc:
        if exc.code != "NoSuchBucket":
            raise


@pytest.fixture(scope="session")
def s3_settings(stack: StackInfo) -> KitSettings:
    return s3_settings_for(stack, random_bucket_name())


@pytest.fixture(scope="session")
def s3_client(s3_settings: KitSettings) -> Minio:
    return build_minio_client(s3_settings)


@pytest.fixture(scope="session")
def s3_bucket(s3_client: Minio, s3_settings: KitSettings) -> Iterator[str]:
    bucket = s3_settings.s3_bucket
    s3_client.make_bucket(bucket)
    yield bucket
    remove_bucket(s3_client, bucket)


@pytest.fixture(scope="session")
async def object_storage(s3_client: Minio, s3_bucket: str) -> AsyncIterator[ObjectStorage]:
    storage = ObjectStorage(s3_client, s3_bucket, TEST_MAX_OBJECT_BYTES)
    yield storage
    await storage.aclose()
