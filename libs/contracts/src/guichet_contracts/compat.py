"""Is a new JSON Schema of an event a compatible evolution of the committed one?

Within one major version the only allowed change is adding optional fields. Breaking:
- a property removed, or its type/format/enum/constraints changed (at any depth);
- a property that changes between required and optional (newly optional: consumers that
  require it fail on events without it; newly required: replaying older events fails);
- a new property that is required.
Annotations (title, description, default, examples, `x-*`) and `additionalProperties: false`
(a producer-side rule) are ignored. Union members are compared in order, so merely reordering
`anyOf` is reported too: conservative, never silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]

_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "$schema",
        "$id",
        "$defs",
        "definitions",
    }
)
_STRUCTURAL = frozenset(
    {
        "properties",
        "required",
        "items",
        "additionalProperties",
        "anyOf",
        "oneOf",
        "allOf",
        "prefixItems",
    }
)
_UNIONS = ("anyOf", "oneOf", "allOf", "prefixItems")


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Human-readable breaking changes from `old` to `new` (empty list: compatible)."""
    return _Comparison(old, new).compare(old, new, "$")


def breaking_changes_between(
    old_files: Mapping[str, Schema], new_files: Mapping[str, Schema]
) -> list[str]:
    """Compare whole sets of schema files (name -> schema). A removed file is breaking (its
    consumers lose their contract); an added file is a new event or version, which is fine."""
    problems = [f"{name}: schema removed" for name in sorted(old_files.keys() - new_files.keys())]
    for name in sorted(old_files.keys() & new_files.keys()):
        problems += [f"{name}: {p}" for p in breaking_changes(old_files[name], new_files[name])]
    return problems


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self._old_root = old_root
        self._new_root = new_root
        self._seen: set[tuple[str, str]] = set()

    def compare(self, old: Schema, new: Schema, path: str) -> list[str]:
        old, old_ref = _resolve(old, self._old_root)
        new, new_ref = _resolve(new, self._new_root)
        if old_ref is not None and new_ref is not None:
            if (old_ref, new_ref) in self._seen:  # recursive models: compared once
                return []
            self._seen.add((old_ref, new_ref))
        problems = self._compare_keywords(old, new, path)
        if "properties" in old or "properties" in new:
            problems += self._compare_properties(old, new, path)
        problems += self._compare_children(old, new, path)
        return problems

    def _compare_keywords(self, old: Schema, new: Schema, path: str) -> list[str]:
        old_kw, new_kw = _keywords(old), _keywords(new)
        if old_kw == new_kw:
            return []
        return [f"{path}: type changed from {_show(old_kw)} to {_show(new_kw)}"]

    def _compare_properties(self, old: Schema, new: Schema, path: str) -> list[str]:
        old_props: Schema = old.get("properties", {})
        new_props: Schema = new.get("properties", {})
        old_req, new_req = set(old.get("required", ())), set(new.get("required", ()))
        problems: list[str] = []
        for name in sorted(old_props):
            where = f"{path}.{name}"
            if name not in new_props:
                problems.append(f"{where}: removed")
                continue
            if name in old_req and name not in new_req:
                problems.append(f"{where}: became optional")
            elif name not in old_req and name in new_req:
                problems.append(f"{where}: became required")
            problems += self.compare(old_props[name], new_props[name], where)
        problems += [
            f"{path}.{name}: added as required"
            for name in sorted(new_props.keys() - old_props.keys())
            if name in new_req
        ]
        return problems

    def _compare_children(self, old: Schema, new: Schema, path: str) -> list[str]:
        problems: list[str] = []
        for key in ("items", "additionalProperties"):
            old_child, new_child = old.get(key), new.get(key)
            if isinstance(old_child, Mapping) and isinstance(new_child, Mapping):
                problems += self.compare(old_child, new_child, f"{path}[{key}]")
            elif isinstance(old_child, Mapping) or isinstance(new_child, Mapping):
                problems.append(f"{path}: {key} changed")
        for key in _UNIONS:
            old_members, new_members = old.get(key, []), new.get(key, [])
            if len(old_members) != len(new_members):
                problems.append(
                    f"{path}: {key} changed from {len(old_members)} to {len(new_members)} members"
                )
                continue
            for index, (old_m, new_m) in enumerate(zip(old_members, new_members, strict=True)):
                problems += self.compare(old_m, new_m, f"{path}[{key}][{index}]")
        return problems


def _resolve(node: Schema, root: Schema) -> tuple[Schema, str | None]:
    ref = node.get("$ref")
    if ref is None:
        return node, None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise ValueError(f"only local $ref are supported, got {ref!r}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    siblings = {k: v for k, v in node.items() if k != "$ref"}
    resolved, _ = _resolve({**target, **siblings}, root)
    return resolved, ref


def _keywords(node: Schema) -> dict[str, Any]:
    return {
        key: value
        for key, value in node.items()
        if key not in _ANNOTATIONS and key not in _STRUCTURAL and not key.startswith("x-")
    }


def _show(keywords: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in sorted(keywords.items())) or "(any)"
