"""What the OpenAPI document says of the staff endpoints of one case beyond their signatures."""

from __future__ import annotations

from typing import Any

FILE_PART = "file"
MAX_TEXT = 5000

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such case, or not visible to the caller"}
}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        FILE_PART: {"type": "string", "format": "binary"},
                        "visibility": {"type": "string", "enum": ["internal", "public"]},
                        "text": {"type": "string", "maxLength": MAX_TEXT},
                    },
                    "required": [FILE_PART, "visibility"],
                }
            }
        },
    }
}
FILE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": {"application/problem+json": {}}}
    for status, text in {
        404: "no such case or attachment, or not visible to the caller",
        413: "file too large (bytes or pixels)",
        415: "not multipart, or a file type not accepted (images, PDF)",
        422: "no file, bad visibility, text too long, damaged file",
    }.items()
}
