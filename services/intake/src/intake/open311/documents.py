"""Open311 documents of service requests and of the discovery."""

from __future__ import annotations

from typing import Any

from guichet_contracts.values import pick_label
from intake.open311.repository import RequestRow
from intake.open311.status import open311_status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+00:00"  # bump when the endpoints' behaviour changes


def service_request(row: RequestRow, lang: str) -> dict[str, Any]:
    """A request as GET requests shows it: no contact details, no photos."""
    return {
        "service_request_id": row.tracking_number,
        "status": open311_status(row.case_status),
        "status_notes": row.status_notes,
        "service_name": pick_label(row.category_labels or {}, lang, row.category_code),
        "service_code": row.category_code,
        "description": row.description,
        "agency_responsible": row.department,
        "service_notice": None,
        "requested_datetime": row.submitted_at,
        "updated_datetime": row.updated_at or row.submitted_at,
        "expected_datetime": row.due_at,
        "address": row.address,
        "address_id": None,
        "zipcode": None,
        "lat": row.lat,
        "long": row.lon,
        "media_url": None,
    }


def token_entry(row: RequestRow) -> dict[str, Any]:
    return {"service_request_id": row.tracking_number, "token": str(row.report_id)}


def discovery(base_url: str, contact: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": None,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url.rstrip('/')}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
