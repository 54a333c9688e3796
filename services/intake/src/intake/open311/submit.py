"""POST requests: an Open311 form mapped to a `Submission` for `submit_report`.

Fields: jurisdiction_id, service_code, lat + long (required: an address alone cannot be
placed), address_string, attribute[code]=value (repeated for multivaluelist), email,
first_name, last_name, phone, description (default: the service's name), device_id,
account_id (echoed back, not stored), api_key (ignored: anonymous reports are welcome),
media_url (never fetched nor stored: a server fetching client URLs is an SSRF hole; send the
image itself as a multipart `media` part, which goes through intake's photo pipeline).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from guichet_contracts.values import Channel, Language
from intake.directory.repository import MunicipalityRef
from intake.models import Category
from intake.open311.catalogue import service_name
from intake.open311.errors import (
    InvalidParameter,
    InvalidRequest,
    LocationRequired,
    MissingParameter,
    ServiceNotFound,
    UnknownService,
)
from intake.reports.schemas import ReportDraft

_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\]$")
MEDIA_FIELD = "media"


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


def text_field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def required_field(form: FormData, name: str) -> str:
    value = text_field(form, name)
    if value is None:
        raise MissingParameter(parameter=name)
    return value


def find_service(
    categories: Sequence[Category],
    code: str,
    town: MunicipalityRef,
    lang: str,
    missing: type[UnknownService | ServiceNotFound] = UnknownService,
) -> Category:
    """The category `code` of the town; else `missing` (400 in a POST, 404 for a definition)."""
    for category in categories:
        if category.code == code:
            return category
    raise missing(
        service_code=code[:64],
        municipality=town.names.get(lang) or town.nis,
        extra={"valid_codes": [category.code for category in categories]},
    )


def point(form: FormData) -> Point:
    raw_lat, raw_lon = text_field(form, "lat"), text_field(form, "long")
    if raw_lat is None or raw_lon is None:
        raise LocationRequired()
    return Point(
        lat=_coordinate("lat", raw_lat, 90.0),
        lon=_coordinate("long", raw_lon, 180.0),
    )


def _coordinate(name: str, raw: str, bound: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise InvalidParameter(parameter=name, reason=f"a WGS84 degree in [-{bound}, {bound}]")
    return value


def attributes(form: FormData, category: Category) -> dict[str, str | list[str]]:
    """attribute[code]=value pairs; repeated (or multivaluelist) codes give a list."""
    multi = {str(q["code"]) for q in category.questions if q.get("datatype") == "multivaluelist"}
    collected: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        match = _ATTRIBUTE.match(key)
        if match is None or not isinstance(value, str) or not value.strip():
            continue
        collected.setdefault(match.group(1), []).append(value.strip())
    return {
        code: values if code in multi or len(values) > 1 else values[0]
        for code, values in collected.items()
    }


def draft(form: FormData, category: Category, where: Point, language: Language) -> ReportDraft:
    contact = _contact(form)
    body: dict[str, Any] = {
        "category": category.code,
        "description": text_field(form, "description") or service_name(category, language),
        "location": {"lat": where.lat, "lon": where.lon},
        "address": text_field(form, "address_string"),
        "contact": contact,
        "channel": Channel.OPEN311,
        "answers": attributes(form, category),
        "language": language,
    }
    try:
        return ReportDraft.model_validate(body)
    except ValidationError as exc:
        raise InvalidRequest(problems=_problems(exc)) from None


def _contact(form: FormData) -> dict[str, str] | None:
    name = " ".join(
        part for part in (text_field(form, "first_name"), text_field(form, "last_name")) if part
    )
    contact = {
        "name": name or None,
        "email": text_field(form, "email"),
        "phone": text_field(form, "phone"),
    }
    present = {key: value for key, value in contact.items() if value}
    return present or None


_FIELD_NAMES = {
    "location": "lat/long",
    "address": "address_string",
    "contact.name": "first_name/last_name",
    "contact.email": "email",
    "contact.phone": "phone",
}


def _problems(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"])
        if path.startswith("answers."):
            field = f"attribute[{path.removeprefix('answers.').split('.')[0]}]"
        else:
            field = next(
                (name for prefix, name in _FIELD_NAMES.items() if path.startswith(prefix)), path
            )
        parts.append(f"{field}: {error['msg']}")
    return "; ".join(parts)


async def media(form: FormData, max_bytes: int) -> list[bytes]:
    """The `media` file part, if any (the photo pipeline checks type, size and pixels)."""
    upload = form.get(MEDIA_FIELD)
    if not isinstance(upload, UploadFile):
        return []
    return [await upload.read(max_bytes + 1)]
