"""Tenant-scoped S3 object storage (keys `<tenant>/<path>`, presigned downloads)."""

from guichet_kit.storage.component import STATE_ATTRIBUTE, StorageComponent, get_storage
from guichet_kit.storage.errors import (
    InvalidObjectKey,
    ObjectNotFound,
    ObjectTooLarge,
    StorageUnavailable,
)
from guichet_kit.storage.factory import (
    DEFAULT_MAX_OBJECT_BYTES,
    build_minio_client,
    build_object_storage,
)
from guichet_kit.storage.headers import content_disposition
from guichet_kit.storage.keys import object_key, validate_object_path
from guichet_kit.storage.object_storage import ObjectStorage, StoredObject

__all__ = [
    "DEFAULT_MAX_OBJECT_BYTES",
    "STATE_ATTRIBUTE",
    "InvalidObjectKey",
    "ObjectNotFound",
    "ObjectStorage",
    "ObjectTooLarge",
    "StorageComponent",
    "StorageUnavailable",
    "StoredObject",
    "build_minio_client",
    "build_object_storage",
    "content_disposition",
    "get_storage",
    "object_key",
    "validate_object_path",
]
