"""docs/roles.md shows the roles matrix the services enforce (`guichet_contracts.roles`)."""

from __future__ import annotations

from tests.contract.roles_docs import BEGIN, END, ROLES_DOC, render


def test_the_documented_roles_matrix_is_the_enforced_one() -> None:
    document = ROLES_DOC.read_text(encoding="utf-8")
    assert BEGIN in document, f"{ROLES_DOC} lost its markers"
    assert END in document, f"{ROLES_DOC} lost its markers"
    assert document == render(document), (
        f"{ROLES_DOC} is stale: run `uv run python -m tests.contract.roles_docs` and commit it"
    )
