"""Build the S3 client and the tenant-scoped storage from settings (in the app lifespan)."""

from __future__ import annotations

from urllib.parse import urlsplit

import urllib3
from minio import Minio

from guichet_kit.settings import KitSettings
from guichet_kit.storage.object_storage import ObjectStorage

DEFAULT_MAX_OBJECT_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS = 8


def build_minio_client(
    settings: KitSettings,
    *,
    endpoint: str | None = None,
    secure: bool | None = None,
    connect_timeout: float = 3.0,
    read_timeout: float = 30.0,
    retries: int = 2,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
) -> Minio:
    """A client with bounded timeouts and retries (minio's defaults are 5 minutes and 5
    retries, which would hold a request, or a readiness probe, for far too long). The region
    is always set, so presigning never makes a network call to discover it. TLS uses the
    system trust store (`SSL_CERT_FILE` honoured) for a private CA in front of MinIO."""
    host = endpoint or settings.s3_endpoint
    if not host:
        raise ValueError("s3_endpoint is not configured")
    if "://" in host:
        raise ValueError("s3_endpoint is host[:port]; use s3_secure for https")
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=max_connections,
        cert_reqs="CERT_REQUIRED",
        retries=urllib3.Retry(
            total=retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
        ),
    )
    return Minio(
        host,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure if secure is None else secure,
        region=settings.s3_region,
        http_client=http,
    )


def build_object_storage(
    settings: KitSettings,
    *,
    max_object_bytes: int = DEFAULT_MAX_OBJECT_BYTES,
    public_url: str | None = None,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
) -> ObjectStorage:
    """`public_url`: base URL browsers use for presigned URLs (`https://files.example.be`)
    when it is not `s3_endpoint`, e.g. the cluster-internal MinIO service vs. its ingress."""
    client = build_minio_client(settings, max_connections=max_connections)
    public_url = public_url or settings.s3_public_url
    presign_client = _public_client(settings, public_url) if public_url else None
    return ObjectStorage(
        client,
        settings.s3_bucket,
        max_object_bytes,
        presign_client=presign_client,
        max_concurrency=max_connections,
    )


def _public_client(settings: KitSettings, public_url: str) -> Minio:
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"public_url must be http(s)://host[:port], got {public_url!r}")
    return build_minio_client(settings, endpoint=parts.netloc, secure=parts.scheme == "https")
