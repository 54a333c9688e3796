"""`load_json`: client JSON with its nesting bounded, refused with a translated 400."""

from __future__ import annotations

import pytest

from guichet_kit.json_input import JsonTooDeep, MalformedJson, load_json


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_a_document_within_the_depth_is_read() -> None:
    assert load_json(nested(32)) is not None
    assert load_json('{"a": {"b": [1, {"c": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}}') == {
        "a": {"b": [1, {"c": "[" * 34}]}
    }  # brackets inside strings do not nest


@pytest.mark.parametrize("depth", [33, 900, 100_000])
def test_a_deeper_document_is_refused_in_the_callers_language(depth: int) -> None:
    with pytest.raises(JsonTooDeep) as refused:
        load_json(nested(depth))
    assert refused.value.status == 400
    assert refused.value.code == "request.json_too_deep"
    assert refused.value.detail("nl") == (
        "De JSON van het verzoek is te diep genest: hoogstens 32 niveaus."
    )


def test_the_depth_counts_objects_and_arrays_alike() -> None:
    assert load_json(b'{"a": ' * 3 + b"1" + b"}" * 3, max_depth=3) == {"a": {"a": {"a": 1}}}
    with pytest.raises(JsonTooDeep):
        load_json('{"a": [{"a": [1]}]}', max_depth=3)


@pytest.mark.parametrize(("raw", "position"), [(b'{"a": ', 6), (b"\xff", 0)])
def test_what_is_not_json_is_malformed(raw: bytes, position: int) -> None:
    with pytest.raises(MalformedJson) as refused:
        load_json(raw)
    assert (refused.value.status, refused.value.code) == (400, "request.malformed_json")
    assert str(position) in refused.value.detail("en")
