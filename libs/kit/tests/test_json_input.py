"""`load_json`: JSON read with its nesting bounded, refused with a clear 400 otherwise."""

from __future__ import annotations

import pytest

from guichet_kit.json_input import JsonMalformed, JsonTooDeep, load_json


def test_documents_within_the_bound_are_parsed() -> None:
    document = '{"a": [1, {"b": "[[[[{{{{"}], "c": "\\"[["}'
    assert load_json(document, max_depth=3) == {"a": [1, {"b": "[[[[{{{{"}], "c": '"[['}
    assert load_json(b"[[[]]]", max_depth=3) == [[[]]]
    assert load_json("[" * 32 + "]" * 32) is not None


@pytest.mark.parametrize("document", ["[" * 33 + "]" * 33, '{"a":' * 900 + "1" + "}" * 900])
def test_deeper_documents_are_refused_before_parsing(document: str) -> None:
    with pytest.raises(JsonTooDeep) as refused:
        load_json(document)
    assert refused.value.status == 400
    assert refused.value.extra == {"max_depth": 32}
    assert "32" in refused.value.detail("en")


@pytest.mark.parametrize("document", ["{x", b"\xff", "[" * 10])
def test_malformed_documents_are_400(document: str | bytes) -> None:
    with pytest.raises(JsonMalformed) as refused:
        load_json(document)
    assert refused.value.status == 400
