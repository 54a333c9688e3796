"""Publish the JSON Schemas of the envelope and of every registered event into `docs/events/`.

    uv run python -m guichet_contracts.schema_export              # (re)write docs/events
    uv run python -m guichet_contracts.schema_export --check      # CI: fail when it drifted
    uv run python -m guichet_contracts.schema_export --check --compat-ref origin/main

Files: `envelope.schema.json` and `<type>.v<version>.schema.json` (the schema of the envelope's
`data` for that event). Output is deterministic: sorted keys, two-space indent, trailing newline.
`--compat-ref` also compares the current schemas with those committed at a git ref and fails
on breaking changes (see `guichet_contracts.compat`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guichet_contracts.compat import Schema, breaking_changes_between
from guichet_contracts.envelope import SUBJECT_ROOT, Envelope
from guichet_contracts.registry import EventRegistry, RegisteredEvent, registry

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ENVELOPE_FILE = "envelope.schema.json"
SCHEMA_SUFFIX = ".schema.json"
_MAX_DIFF_LINES = 40


@dataclass(frozen=True)
class Drift:
    name: str
    kind: Literal["missing", "changed", "stale"]
    diff: str = ""


def envelope_schema() -> dict[str, Any]:
    return {"$schema": JSON_SCHEMA_DIALECT, **Envelope.model_json_schema(mode="serialization")}


def event_schema(event: RegisteredEvent) -> dict[str, Any]:
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **event.model.model_json_schema(mode="validation"),
        "x-guichet-event": {
            "type": event.type,
            "version": event.version,
            "subject": f"{SUBJECT_ROOT}.{{tenant_id}}.{event.type}.v{event.version}",
            "envelope": ENVELOPE_FILE,
        },
    }


def event_filename(event: RegisteredEvent) -> str:
    return f"{event.name}{SCHEMA_SUFFIX}"


def expected_schemas(events: EventRegistry) -> dict[str, dict[str, Any]]:
    schemas = {ENVELOPE_FILE: envelope_schema()}
    schemas.update({event_filename(event): event_schema(event) for event in events})
    return schemas


def render(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(out_dir: Path, events: EventRegistry) -> list[str]:
    """Write every schema, delete stale ones; return the names of the files touched."""
    out_dir.mkdir(parents=True, exist_ok=True)
    touched: list[str] = []
    for drift in check(out_dir, events):
        path = out_dir / drift.name
        if drift.kind == "stale":
            path.unlink()
        else:
            path.write_text(render(expected_schemas(events)[drift.name]), encoding="utf-8")
        touched.append(drift.name)
    return touched


def check(out_dir: Path, events: EventRegistry) -> list[Drift]:
    """Differences between what the code generates and what is in `out_dir`."""
    expected = {name: render(schema) for name, schema in expected_schemas(events).items()}
    present = {p.name for p in out_dir.glob(f"*{SCHEMA_SUFFIX}")} if out_dir.is_dir() else set()
    drifts = [Drift(name, "stale") for name in sorted(present - expected.keys())]
    for name, content in sorted(expected.items()):
        if name not in present:
            drifts.append(Drift(name, "missing"))
            continue
        actual = (out_dir / name).read_text(encoding="utf-8")
        if actual != content:
            drifts.append(Drift(name, "changed", _diff(name, actual, content)))
    return drifts


def summarize(drifts: Sequence[Drift], out_dir: Path) -> str:
    lines = [
        f"{out_dir} is out of date with guichet_contracts "
        f"(regenerate: uv run python -m guichet_contracts.schema_export, then commit):"
    ]
    for drift in drifts:
        lines.append(f"  {drift.kind}: {drift.name}")
        if drift.diff:
            lines.extend(f"    {line}" for line in drift.diff.splitlines())
    return "\n".join(lines) + "\n"


def committed_schemas(out_dir: Path, ref: str) -> dict[str, Schema]:
    """The schema files of `out_dir` as committed at git `ref` (empty if absent there)."""
    root = Path(_git(out_dir, "rev-parse", "--show-toplevel").strip())
    folder = out_dir.resolve().relative_to(root).as_posix()
    listing = _git(root, "ls-tree", "--name-only", ref, "--", f"{folder}/")
    names = [Path(line).name for line in listing.splitlines() if line.endswith(SCHEMA_SUFFIX)]
    return {name: json.loads(_git(root, "show", f"{ref}:{folder}/{name}")) for name in names}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guichet_contracts.schema_export")
    parser.add_argument("--out", type=Path, default=None, help="default: <repo>/docs/events")
    parser.add_argument("--check", action="store_true", help="fail if the files differ")
    parser.add_argument("--compat-ref", help="git ref whose schemas must stay compatible")
    args = parser.parse_args(argv)
    out_dir: Path = args.out or _repo_root() / "docs" / "events"
    status = 0
    if args.check:
        drifts = check(out_dir, registry)
        if drifts:
            sys.stderr.write(summarize(drifts, out_dir))
            status = 1
    else:
        for name in write(out_dir, registry):
            sys.stdout.write(f"updated {out_dir / name}\n")
    if args.compat_ref:
        problems = breaking_changes_between(
            committed_schemas(out_dir, args.compat_ref), expected_schemas(registry)
        )
        if problems:
            sys.stderr.write(
                f"breaking changes against {args.compat_ref} (publish a new version instead):\n"
                + "".join(f"  {p}\n" for p in problems)
            )
            status = 1
    return status


def _diff(name: str, actual: str, expected: str) -> str:
    lines = list(
        difflib.unified_diff(
            actual.splitlines(),
            expected.splitlines(),
            fromfile=f"committed/{name}",
            tofile=f"generated/{name}",
            lineterm="",
        )
    )
    if len(lines) > _MAX_DIFF_LINES:
        lines = [*lines[:_MAX_DIFF_LINES], f"... ({len(lines) - _MAX_DIFF_LINES} more lines)"]
    return "\n".join(lines)


def _repo_root() -> Path:
    """The uv workspace root above the current directory (where docs/ lives)."""
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.uv.workspace]" in pyproject.read_text(encoding="utf-8"):
            return folder
    return cwd


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True
    ).stdout


if __name__ == "__main__":
    raise SystemExit(main())
