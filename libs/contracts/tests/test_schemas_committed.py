"""docs/events must be exactly what guichet_contracts generates, and stay compatible."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import ClassVar
from uuid import UUID

import pytest

from guichet_contracts import EventPayload, EventRegistry, registry
from guichet_contracts.compat import breaking_changes_between
from guichet_contracts.schema_export import (
    ENVELOPE_FILE,
    Drift,
    check,
    committed_schemas,
    expected_schemas,
    main,
    summarize,
    write,
)

REPO = Path(__file__).resolve().parents[3]
DOCS_EVENTS = REPO / "docs" / "events"
# CI sets this to the target branch (e.g. origin/main); locally HEAD is the last commit.
BASE_REF = os.environ.get("GUICHET_CONTRACTS_BASE_REF", "HEAD")


class ParcelSent(EventPayload):
    event_type: ClassVar[str] = "parcel.sent"
    event_version: ClassVar[int] = 1

    parcel_id: UUID
    weight_g: int


class ParcelSentChanged(EventPayload):
    event_type: ClassVar[str] = "parcel.sent"
    event_version: ClassVar[int] = 1

    parcel_id: UUID
    weight_g: float  # type change: breaking within v1


def _registry(*models: type[EventPayload]) -> EventRegistry:
    events = EventRegistry()
    for model in models:
        events.register(model)
    return events


def test_committed_schemas_match_the_code() -> None:
    drifts = check(DOCS_EVENTS, registry)
    assert not drifts, summarize(drifts, DOCS_EVENTS)


def test_cli_check_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--out", str(DOCS_EVENTS)]) == 0
    assert capsys.readouterr().err == ""


def test_committed_schemas_are_compatible_with_the_base_ref() -> None:
    base = committed_schemas(DOCS_EVENTS, BASE_REF)
    problems = breaking_changes_between(base, expected_schemas(registry))
    assert not problems, "\n".join(problems)


def test_output_is_deterministic(tmp_path: Path) -> None:
    events = _registry(ParcelSent)
    assert sorted(write(tmp_path / "a", events)) == [ENVELOPE_FILE, "parcel.sent.v1.schema.json"]
    write(tmp_path / "b", events)
    for name in (ENVELOPE_FILE, "parcel.sent.v1.schema.json"):
        text = (tmp_path / "a" / name).read_text()
        assert text == (tmp_path / "b" / name).read_text()
        assert text.endswith("}\n")
        assert (
            text
            == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
    assert write(tmp_path / "a", events) == []  # nothing to do the second time
    schema = json.loads((tmp_path / "a" / "parcel.sent.v1.schema.json").read_text())
    assert schema["x-guichet-event"]["subject"] == "guichet.{tenant_id}.parcel.sent.v1"
    assert schema["required"] == ["parcel_id", "weight_g"]


def test_check_detects_a_changed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, registry)
    envelope = tmp_path / ENVELOPE_FILE
    envelope.write_text(envelope.read_text().replace('"tenant_id"', '"tenant"', 1))
    drifts = check(tmp_path, registry)
    assert [(d.name, d.kind) for d in drifts] == [(ENVELOPE_FILE, "changed")]
    assert '+    "tenant_id": {' in drifts[0].diff
    assert main(["--check", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"changed: {ENVELOPE_FILE}" in err
    assert "python -m guichet_contracts.schema_export" in err


def test_check_detects_a_missing_file_for_a_new_event(tmp_path: Path) -> None:
    write(tmp_path, EventRegistry())
    assert check(tmp_path, EventRegistry()) == []
    assert check(tmp_path, _registry(ParcelSent)) == [
        Drift("parcel.sent.v1.schema.json", "missing")
    ]


def test_check_detects_a_stale_file_and_write_removes_it(tmp_path: Path) -> None:
    write(tmp_path, _registry(ParcelSent))
    (tmp_path / "README.md").write_text("not a schema: left alone\n")
    assert check(tmp_path, EventRegistry()) == [Drift("parcel.sent.v1.schema.json", "stale")]
    assert write(tmp_path, EventRegistry()) == ["parcel.sent.v1.schema.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", ENVELOPE_FILE]


def test_check_of_a_missing_directory_reports_every_file(tmp_path: Path) -> None:
    drifts = check(tmp_path / "nowhere", _registry(ParcelSent))
    assert {(d.name, d.kind) for d in drifts} == {
        (ENVELOPE_FILE, "missing"),
        ("parcel.sent.v1.schema.json", "missing"),
    }


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


def test_compat_against_a_git_ref_flags_breaking_changes(tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "events"
    _git(tmp_path, "init", "-q")
    write(docs, _registry(ParcelSent))
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "v1")

    committed = committed_schemas(docs, "HEAD")
    assert sorted(committed) == [ENVELOPE_FILE, "parcel.sent.v1.schema.json"]
    assert breaking_changes_between(committed, expected_schemas(_registry(ParcelSent))) == []
    assert breaking_changes_between(committed, expected_schemas(_registry(ParcelSentChanged))) == [
        "parcel.sent.v1.schema.json: $.weight_g: type changed from type='integer' to type='number'"
    ]
    assert breaking_changes_between(committed, expected_schemas(EventRegistry())) == [
        "parcel.sent.v1.schema.json: schema removed"
    ]


def test_compat_against_a_ref_without_the_folder_is_empty(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "x").write_text("x")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "init")
    (tmp_path / "docs" / "events").mkdir(parents=True)
    assert committed_schemas(tmp_path / "docs" / "events", "HEAD") == {}


def test_cli_compat_ref_fails_on_a_breaking_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs" / "events"
    _git(tmp_path, "init", "-q")
    write(docs, registry)
    envelope = json.loads((docs / ENVELOPE_FILE).read_text())
    envelope["properties"]["legacy"] = {"type": "string"}  # a field the code no longer has
    (docs / ENVELOPE_FILE).write_text(json.dumps(envelope))
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "old contract")
    write(docs, registry)  # the working tree is regenerated: --check alone passes

    assert main(["--check", "--out", str(docs)]) == 0
    assert main(["--check", "--out", str(docs), "--compat-ref", "HEAD"]) == 1
    assert f"{ENVELOPE_FILE}: $.legacy: removed" in capsys.readouterr().err
