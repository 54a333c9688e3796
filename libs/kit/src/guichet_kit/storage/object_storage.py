"""Tenant-scoped object storage over S3 (MinIO in production, SeaweedFS locally).

The `minio` client is synchronous (urllib3). Its calls run in a dedicated, bounded thread pool
rather than `asyncio.to_thread`: the default executor is shared with the event loop's own
blocking work (DNS resolution, `to_thread` users), and a slow or hanging object store must not
starve it. The pool is sized to the client's connection pool so threads never wait for a
connection. Context variables (correlation id for logs) are copied into the worker thread.
Cancelling an awaiting task does not interrupt a call already running in a thread: an upload
in flight completes (S3 puts are atomic, so there is never a partial object).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import io
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from minio import Minio
from minio.error import MinioException, S3Error
from minio.helpers import DictType
from urllib3.exceptions import HTTPError

from guichet_kit.storage.errors import ObjectNotFound, ObjectTooLarge, StorageUnavailable
from guichet_kit.storage.headers import (
    METADATA_PREFIX,
    validate_content_type,
    validate_header_value,
    validate_metadata,
)
from guichet_kit.storage.keys import object_key

P = ParamSpec("P")
T = TypeVar("T")

MIN_PRESIGN_EXPIRY = timedelta(seconds=1)
MAX_PRESIGN_EXPIRY = timedelta(days=7)  # SigV4 limit
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchObject"})
_BUCKET_EXISTS_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    etag: str
    content_type: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None


class ObjectStorage:
    def __init__(
        self,
        client: Minio,
        bucket: str,
        max_object_bytes: int,
        *,
        presign_client: Minio | None = None,
        max_concurrency: int = 8,
    ) -> None:
        """`presign_client`: a client for the endpoint browsers reach, when it differs from the
        internal one (a SigV4 signature covers the host). It needs its region set, so that
        signing is pure computation."""
        if max_object_bytes <= 0:
            raise ValueError("max_object_bytes must be positive")
        self._client = client
        self._presign_client = presign_client or client
        self.bucket = bucket
        self.max_object_bytes = max_object_bytes
        self._executor = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="s3")
        # Bucket checks (readiness) get their own thread: a pool busy with uploads under load
        # must not make every replica look unready at once.
        self._probe_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-probe")

    async def aclose(self) -> None:
        """Wait for calls in flight, then release the threads."""
        for executor in (self._executor, self._probe_executor):
            await asyncio.to_thread(executor.shutdown, wait=True)

    async def ensure_bucket(self) -> bool:
        """Create the bucket if missing (idempotent, safe between replicas); True if created."""
        return await self._call_in(self._probe_executor, self._ensure_bucket_sync)

    async def bucket_exists(self) -> bool:
        return await self._call_in(self._probe_executor, self._client.bucket_exists, self.bucket)

    async def put(
        self,
        tenant: str,
        path: str,
        data: bytes,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> StoredObject:
        """Store `data` at `<tenant>/<path>`, replacing any object there. Refused with
        ObjectTooLarge before anything is sent when over `max_object_bytes`."""
        key = object_key(tenant, path)
        if len(data) > self.max_object_bytes:
            raise ObjectTooLarge(size=len(data), limit=self.max_object_bytes)
        content_type = validate_content_type(content_type)
        user_metadata = validate_metadata(metadata)
        result = await self._call(
            self._client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            metadata={f"{METADATA_PREFIX}{k}": v for k, v in user_metadata.items()},
        )
        return StoredObject(key, len(data), _etag(result.etag), content_type, user_metadata)

    async def get(self, tenant: str, path: str) -> bytes:
        key = object_key(tenant, path)
        return await self._call(self._read_sync, key)

    async def stat(self, tenant: str, path: str) -> StoredObject:
        key = object_key(tenant, path)
        info = await self._call(self._client.stat_object, self.bucket, key)
        headers = info.metadata or {}
        return StoredObject(
            key=key,
            size=info.size or 0,
            etag=_etag(info.etag),
            content_type=info.content_type or "application/octet-stream",
            metadata={
                name.lower().removeprefix(METADATA_PREFIX): value
                for name, value in headers.items()
                if name.lower().startswith(METADATA_PREFIX)
            },
            last_modified=info.last_modified,
        )

    async def exists(self, tenant: str, path: str) -> bool:
        try:
            await self.stat(tenant, path)
        except ObjectNotFound:
            return False
        return True

    async def delete(self, tenant: str, path: str) -> None:
        """Remove the object; deleting a missing object is not an error (S3 semantics)."""
        key = object_key(tenant, path)
        await self._call(self._client.remove_object, self.bucket, key)

    async def presigned_get(
        self,
        tenant: str,
        path: str,
        expires: timedelta,
        *,
        content_disposition: str | None = None,
    ) -> str:
        """A URL that lets its holder GET this one object until `expires` from now, without
        credentials. See `headers.content_disposition()` to build a download file name."""
        key = object_key(tenant, path)
        if not MIN_PRESIGN_EXPIRY <= expires <= MAX_PRESIGN_EXPIRY:
            raise ValueError("expires must be between 1 second and 7 days")
        response_headers: DictType | None = None
        if content_disposition:
            disposition = validate_header_value(content_disposition)
            response_headers = {"response-content-disposition": disposition}
        return await self._call(
            self._presign_client.presigned_get_object,
            self.bucket,
            key,
            expires=expires,
            response_headers=response_headers,
        )

    async def _call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._call_in(self._executor, fn, *args, **kwargs)

    async def _call_in(
        self, executor: Executor, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a blocking client call in `executor`; S3 failures become storage errors."""
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
        try:
            return await loop.run_in_executor(executor, call)
        except S3Error as exc:
            if exc.code in _NOT_FOUND_CODES:
                raise ObjectNotFound(exc.object_name or "") from exc
            raise StorageUnavailable(exc.code) from exc
        except (MinioException, HTTPError, OSError) as exc:
            raise StorageUnavailable() from exc

    def _ensure_bucket_sync(self) -> bool:
        if self._client.bucket_exists(self.bucket):
            return False
        try:
            self._client.make_bucket(self.bucket)
        except S3Error as exc:  # another replica created it in between
            if exc.code in _BUCKET_EXISTS_CODES:
                return False
            raise
        return True

    def _read_sync(self, key: str) -> bytes:
        response = self._client.get_object(self.bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()


def _etag(value: str | None) -> str:
    return (value or "").strip('"')
