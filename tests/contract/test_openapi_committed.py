"""The API documents in docs/api are the services' current OpenAPI (regenerate with
`uv run python -m tests.contract.openapi_docs`)."""

from __future__ import annotations

import pytest

from tests.contract.openapi_docs import document_path, openapi_document, render
from tests.services import SERVICE_NAMES


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_committed_openapi_is_current(name: str) -> None:
    path = document_path(name)
    assert path.exists(), f"{path} is missing: run `uv run python -m tests.contract.openapi_docs`"
    assert path.read_text(encoding="utf-8") == render(openapi_document(name)), (
        f"{path} is stale: run `uv run python -m tests.contract.openapi_docs` and commit it"
    )
