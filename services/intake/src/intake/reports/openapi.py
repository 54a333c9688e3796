"""The request body of `POST /v1/reports` for OpenAPI (the endpoint reads the body itself,
as JSON or multipart, so FastAPI cannot derive it)."""

from __future__ import annotations

from typing import Any

from intake.reports.schemas import ReportDraft


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace local `$ref`s with their definitions (the schema has no recursion)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def draft_schema() -> dict[str, Any]:
    schema = ReportDraft.model_json_schema()
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    return inlined


def submission_request_body() -> dict[str, Any]:
    draft = draft_schema()
    return {
        "required": True,
        "content": {
            "application/json": {"schema": draft},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["report"],
                    "properties": {
                        "report": {**draft, "description": "the report, as JSON"},
                        "photos": {
                            "type": "array",
                            "maxItems": 5,
                            "items": {"type": "string", "format": "binary"},
                            "description": "JPEG, PNG, WebP or HEIC/HEIF; 10 MiB, 40 MP each",
                        },
                    },
                },
                "encoding": {"report": {"contentType": "application/json"}},
            },
        },
    }
