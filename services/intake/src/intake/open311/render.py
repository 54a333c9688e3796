"""Open311 documents as XML or JSON.

A document is plain data: dicts (elements with children, in order), lists (repeated
elements, named after their parent: ``services`` holds ``service`` items) and scalars. JSON
renders it as is (datetimes in ISO 8601); XML renders each key as an element, booleans as
``true``/``false`` and None as an empty element, preceded by the UTF-8 declaration.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import Response

# Repeated elements: container → item (GeoReport v2 naming).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


# Characters XML 1.0 cannot carry at all (a report's text may contain them): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Format(StrEnum):
    XML = "xml"
    JSON = "json"

    @property
    def media_type(self) -> str:
        return "text/xml" if self is Format.XML else "application/json"


def parse_format(raw: str) -> Format | None:
    try:
        return Format(raw.lower())
    except ValueError:
        return None


def render(
    fmt: Format,
    root: str,
    body: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    content = to_xml(root, body) if fmt is Format.XML else to_json(body)
    return Response(
        content,
        status_code=status_code,
        media_type=f"{fmt.media_type}; charset=utf-8",
        headers=dict(headers or {}),
    )


def to_json(body: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> bytes:
    return json.dumps(body, default=_json_default, ensure_ascii=False).encode("utf-8")


def to_xml(root: str, body: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    xml: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return xml


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _xml_text(value)


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return _NOT_XML.sub("", str(value))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
