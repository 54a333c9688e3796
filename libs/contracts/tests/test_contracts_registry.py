from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import ClassVar
from uuid import UUID, uuid4

import pytest

from guichet_contracts import Envelope, EventPayload, EventRegistry, UnknownEventError, registry


class CaseOpened(EventPayload):
    event_type: ClassVar[str] = "case.opened"
    event_version: ClassVar[int] = 1

    case_id: UUID


class CaseOpenedV2(EventPayload):
    event_type: ClassVar[str] = "case.opened"
    event_version: ClassVar[int] = 2

    case_id: UUID
    team: str


class AlsoCaseOpened(EventPayload):
    event_type: ClassVar[str] = "case.opened"
    event_version: ClassVar[int] = 1


def test_lookup_and_decode_by_type_and_version() -> None:
    events = EventRegistry()
    events.register(CaseOpened)
    events.register(CaseOpenedV2)
    assert events.lookup("case.opened", 1) is CaseOpened
    assert events.lookup("case.opened", 2) is CaseOpenedV2
    payload = CaseOpenedV2(case_id=uuid4(), team="roads")
    envelope = Envelope.build(payload, tenant_id="23077", correlation_id=uuid4())
    assert events.decode(Envelope.from_bytes(envelope.to_bytes())) == payload
    assert ("case.opened", 2) in events
    assert len(events) == 2


def test_unknown_event_is_a_clear_error() -> None:
    events = EventRegistry()
    events.register(CaseOpened)
    with pytest.raises(UnknownEventError, match=r"case.opened v3"):
        events.lookup("case.opened", 3)
    envelope = Envelope(
        type="case.closed", version=1, tenant_id="23077", correlation_id=uuid4(), data={}
    )
    with pytest.raises(UnknownEventError):
        events.decode(envelope)


def test_register_is_idempotent_but_refuses_a_second_model_for_the_same_key() -> None:
    events = EventRegistry()
    assert events.register(CaseOpened) is CaseOpened
    events.register(CaseOpened)
    with pytest.raises(ValueError, match="already registered"):
        events.register(AlsoCaseOpened)
    assert events.lookup("case.opened", 1) is CaseOpened


@pytest.mark.parametrize(
    ("event_type", "version"), [("CaseOpened", 1), ("case", 1), ("case.opened", 0)]
)
def test_register_refuses_bad_identities(event_type: str, version: int) -> None:
    bad = type("Bad", (EventPayload,), {"event_type": event_type, "event_version": version})
    with pytest.raises(TypeError):
        EventRegistry().register(bad)


def test_register_refuses_a_model_without_identity() -> None:
    class NoIdentity(EventPayload):
        value: int

    with pytest.raises(TypeError, match="event_type"):
        EventRegistry().register(NoIdentity)


def test_events_are_listed_sorted() -> None:
    events = EventRegistry()
    events.register(CaseOpenedV2)
    events.register(CaseOpened)
    assert [(e.type, e.version, e.model, e.name) for e in events.events()] == [
        ("case.opened", 1, CaseOpened, "case.opened.v1"),
        ("case.opened", 2, CaseOpenedV2, "case.opened.v2"),
    ]


def test_discovery_imports_every_module_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "discovered_events_pkg"
    (package / "nested").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from guichet_contracts import EventRegistry\nREGISTRY = EventRegistry(discover=__name__)\n"
    )
    (package / "nested" / "__init__.py").write_text("")
    module = """
        from typing import ClassVar
        from guichet_contracts import EventPayload
        from discovered_events_pkg import REGISTRY

        @REGISTRY.register
        class {name}(EventPayload):
            event_type: ClassVar[str] = "{event_type}"
            event_version: ClassVar[int] = 1
    """
    (package / "parcel.py").write_text(
        textwrap.dedent(module.format(name="ParcelSent", event_type="parcel.sent"))
    )
    (package / "nested" / "parcel_more.py").write_text(
        textwrap.dedent(module.format(name="ParcelLost", event_type="parcel.lost"))
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import discovered_events_pkg  # type: ignore[import-not-found]

        found = [e.name for e in discovered_events_pkg.REGISTRY.events()]
        assert found == ["parcel.lost.v1", "parcel.sent.v1"]
    finally:
        for name in [m for m in sys.modules if m.startswith("discovered_events_pkg")]:
            del sys.modules[name]


def test_default_registry_models_have_consistent_identities() -> None:
    for event in registry.events():
        assert event.model.event_identity() == (event.type, event.version)
        assert event.model.model_config.get("extra") == "forbid", event.name
