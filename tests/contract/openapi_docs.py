"""Writes each service's OpenAPI document to docs/api/<service>.openapi.json.

`uv run python -m tests.contract.openapi_docs` regenerates them; the test next to this file
fails when a committed document is stale. Building an app connects to nothing (engines and
clients are created in the lifespan), so this runs without a stack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.services import SERVICE_NAMES, service_modules

API_DOCS = Path(__file__).resolve().parents[2] / "docs" / "api"


def openapi_document(name: str) -> dict[str, Any]:
    modules = service_modules(name)
    app = modules.main.create_app(modules.settings.Settings())
    document: dict[str, Any] = app.openapi()
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def document_path(name: str) -> Path:
    return API_DOCS / f"{name}.openapi.json"


def main() -> None:
    API_DOCS.mkdir(parents=True, exist_ok=True)
    for name in SERVICE_NAMES:
        document_path(name).write_text(render(openapi_document(name)), encoding="utf-8")
        print(f"wrote {document_path(name)}")


if __name__ == "__main__":
    main()
