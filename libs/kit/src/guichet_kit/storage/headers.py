"""Validation of the HTTP header values we store or ask S3 to return (no header injection)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote

_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
_CONTENT_TYPE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:{_TOKEN}|\"[\x20\x21\x23-\x5b\x5d-\x7e]*\"))*"
)
_METADATA_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
MAX_METADATA_BYTES = 2048  # S3's limit for all user metadata of an object
METADATA_PREFIX = "x-amz-meta-"


def validate_content_type(value: str) -> str:
    if len(value) > 255 or _CONTENT_TYPE.fullmatch(value) is None:
        raise ValueError(f"invalid content type {value!r}")
    return value


def validate_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """User metadata: lowercase keys, printable ASCII values (S3 sends them as headers)."""
    result = dict(metadata or {})
    for key, value in result.items():
        if _METADATA_KEY.fullmatch(key) is None:
            raise ValueError(f"invalid metadata key {key!r}: use [a-z0-9-]")
        if not isinstance(value, str) or _PRINTABLE_ASCII.fullmatch(value) is None:
            raise ValueError(f"metadata {key!r}: value must be printable ASCII")
    if sum(len(k) + len(v) for k, v in result.items()) > MAX_METADATA_BYTES:
        raise ValueError(f"metadata larger than {MAX_METADATA_BYTES} bytes")
    return result


def validate_header_value(value: str) -> str:
    if _PRINTABLE_ASCII.fullmatch(value) is None:
        raise ValueError("header value must be printable ASCII")
    return value


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """`attachment; filename="..."; filename*=UTF-8''...` (RFC 6266) for any user file name:
    an ASCII fallback without quotes or separators, plus the exact name percent-encoded."""
    name = unicodedata.normalize("NFC", filename).replace("/", "_").replace("\\", "_")
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"%;' else "_" for c in name
    )
    disposition = "inline" if inline else "attachment"
    return (
        f"{disposition}; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
