"""Object keys are `<tenant>/<path>`, built only here, so no caller can leave its tenant prefix.

The path is a `/`-separated list of segments of ASCII letters, digits, `.`, `_` and `-`, where
a segment cannot start with a dot. That rules out `.` and `..` (traversal wherever a proxy, a
filer-backed store or a copy to a file system normalises paths), hidden names, empty segments
(`a//b`), leading or trailing slashes, backslashes, percent-encoding and Unicode look-alikes.
Keys should not contain user file names at all (`reports/<uuid>/photo.jpg`): keep the original
name in metadata or the database and hand it back through Content-Disposition.
"""

from __future__ import annotations

import re

from guichet_contracts.tenancy import is_tenant_id
from guichet_kit.storage.errors import InvalidObjectKey

MAX_KEY_BYTES = 1024  # S3's limit for a whole key
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}")


def object_key(tenant: str, path: str) -> str:
    """`<tenant>/<path>` after validating both; raises InvalidObjectKey."""
    if not is_tenant_id(tenant):
        raise InvalidObjectKey("tenant must be a 5-digit NIS code")
    key = f"{tenant}/{validate_object_path(path)}"
    if len(key) > MAX_KEY_BYTES:  # ASCII only, so characters == bytes
        raise InvalidObjectKey(f"key longer than {MAX_KEY_BYTES} bytes")
    return key


def validate_object_path(path: str) -> str:
    if not isinstance(path, str) or not path:
        raise InvalidObjectKey("path is empty")
    for segment in path.split("/"):
        if _SEGMENT.fullmatch(segment) is None:
            raise InvalidObjectKey(
                "path segments must be [A-Za-z0-9._-], not start with '.', and not be empty"
            )
    return path
