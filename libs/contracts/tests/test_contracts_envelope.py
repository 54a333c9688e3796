from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, ValidationError

from guichet_contracts import (
    Envelope,
    EventPayload,
    EventTypeMismatchError,
    new_event_id,
    subject_filter,
    subject_for,
)

TENANT = "23077"


class Location(BaseModel):
    lat: float
    lon: float


class ThingHappened(EventPayload):
    event_type: ClassVar[str] = "thing.happened"
    event_version: ClassVar[int] = 1

    thing_id: UUID
    note: str
    where: Location


class ThingHappenedV2(EventPayload):
    event_type: ClassVar[str] = "thing.happened"
    event_version: ClassVar[int] = 2

    thing_id: UUID


def _payload() -> ThingHappened:
    return ThingHappened(thing_id=uuid4(), note="pothole", where=Location(lat=50.78, lon=4.24))


def _envelope(**overrides: Any) -> Envelope:
    fields: dict[str, Any] = {
        "type": "thing.happened",
        "version": 1,
        "tenant_id": TENANT,
        "correlation_id": uuid4(),
        "data": {},
    }
    return Envelope(**(fields | overrides))


def test_subject_is_built_from_tenant_type_and_major_version() -> None:
    envelope = Envelope.build(_payload(), tenant_id="55040", correlation_id=uuid4())
    assert envelope.subject == "guichet.55040.thing.happened.v1"
    assert (envelope.aggregate, envelope.event) == ("thing", "happened")
    v2 = Envelope.build(ThingHappenedV2(thing_id=uuid4()), tenant_id=TENANT, correlation_id=uuid4())
    assert v2.subject == "guichet.23077.thing.happened.v2"


def test_subject_helpers() -> None:
    assert subject_for("63023", "case.status_changed", 3) == "guichet.63023.case.status_changed.v3"
    assert subject_filter("report") == "guichet.*.report.>"
    assert subject_filter("report", "23077") == "guichet.23077.report.>"
    with pytest.raises(ValueError, match="NIS"):
        subject_for("2307*", "case.created", 1)


@pytest.mark.parametrize(
    "tenant",
    [
        "2307",
        "230771",
        "abcde",
        "\uff12\uff13\uff10\uff17\uff17",
        "23077\n",
        " 23077",
        "",
        "2307>",
        "*",
    ],
)
def test_bad_tenant_is_refused(tenant: str) -> None:
    with pytest.raises(ValidationError) as info:
        _envelope(tenant_id=tenant)
    assert [e["loc"] for e in info.value.errors()] == [("tenant_id",)]


@pytest.mark.parametrize(
    "event_type",
    [
        "report",
        "Report.submitted",
        "report.submitted.extra",
        "report.>",
        "report.*",
        "report. submitted",
        "report.submitted\n",
        ".submitted",
        "report.",
        "1report.submitted",
        "",
    ],
)
def test_bad_type_is_refused(event_type: str) -> None:
    with pytest.raises(ValidationError) as info:
        _envelope(type=event_type)
    assert [e["loc"] for e in info.value.errors()] == [("type",)]


@pytest.mark.parametrize("version", [0, -1, "1", True, 1.0])
def test_bad_version_is_refused(version: object) -> None:
    with pytest.raises(ValidationError) as info:
        _envelope(version=version)
    assert [e["loc"] for e in info.value.errors()] == [("version",)]


def test_occurred_at_must_be_aware_and_is_stored_in_utc() -> None:
    with pytest.raises(ValidationError):
        _envelope(occurred_at=datetime(2026, 11, 22, 10, 0))  # naive on purpose
    brussels = timezone(timedelta(hours=1))
    envelope = _envelope(occurred_at=datetime(2026, 11, 22, 11, 0, tzinfo=brussels))
    assert envelope.occurred_at.utcoffset() == timedelta(0)
    assert envelope.occurred_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_defaults_give_a_uuid7_id_and_now() -> None:
    before = datetime.now(UTC)
    envelope = _envelope()
    assert envelope.id.version == 7
    assert before <= envelope.occurred_at <= datetime.now(UTC)
    assert envelope.causation_id is None


def test_id_must_be_a_uuid7() -> None:
    with pytest.raises(ValidationError) as info:
        _envelope(id=uuid4())
    assert [e["loc"] for e in info.value.errors()] == [("id",)]


def test_uuid7_ids_are_time_ordered() -> None:
    ids = [new_event_id() for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert [str(i) for i in ids] == sorted(str(i) for i in ids)  # text order too (DB, logs)
    first = _envelope()
    time.sleep(0.002)
    second = _envelope()
    assert first.id < second.id
    # The first 48 bits are the Unix time in ms: they match occurred_at even after a burst.
    embedded_ms = second.id.int >> 80
    assert abs(embedded_ms - second.occurred_at.timestamp() * 1000) < 5


def test_producer_envelope_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError) as info:
        _envelope(priority="high")
    assert info.value.errors()[0]["type"] == "extra_forbidden"


def test_producer_payload_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError) as info:
        ThingHappened(thing_id=uuid4(), note="x", where=Location(lat=1, lon=2), colour="red")  # type: ignore[call-arg]
    assert info.value.errors()[0]["type"] == "extra_forbidden"


def test_roundtrip_through_bytes() -> None:
    payload = _payload()
    envelope = Envelope.build(payload, tenant_id=TENANT, correlation_id=uuid4())
    raw = envelope.to_bytes()
    decoded = Envelope.from_bytes(raw)
    assert decoded == envelope
    assert decoded.payload(ThingHappened) == payload
    wire = json.loads(raw)
    assert set(wire) == set(Envelope.model_fields)
    assert wire["data"]["thing_id"] == str(payload.thing_id)


def test_consumer_ignores_unknown_fields_in_envelope_and_payload() -> None:
    payload = _payload()
    wire = json.loads(Envelope.build(payload, tenant_id=TENANT, correlation_id=uuid4()).to_bytes())
    wire["trace_flags"] = "01"  # a future envelope field
    wire["data"]["photos"] = 3  # a future optional payload field
    wire["data"]["where"]["accuracy_m"] = 5  # ... also inside a nested model
    decoded = Envelope.from_bytes(json.dumps(wire))
    assert decoded.payload(ThingHappened) == payload


def test_consumer_still_validates_known_fields() -> None:
    envelope = _envelope(
        data={"thing_id": "not-a-uuid", "note": "x", "where": {"lat": 1, "lon": 2}}
    )
    with pytest.raises(ValidationError):
        envelope.payload(ThingHappened)


def test_payload_refuses_a_model_of_another_type_or_version() -> None:
    envelope = Envelope.build(_payload(), tenant_id=TENANT, correlation_id=uuid4())
    with pytest.raises(EventTypeMismatchError, match=r"thing.happened v1"):
        envelope.payload(ThingHappenedV2)


def test_following_keeps_tenant_and_correlation_and_links_the_cause() -> None:
    cause = Envelope.build(_payload(), tenant_id="63023", correlation_id=uuid4())
    effect = Envelope.following(cause, ThingHappenedV2(thing_id=uuid4()))
    assert effect.tenant_id == cause.tenant_id
    assert effect.correlation_id == cause.correlation_id
    assert effect.causation_id == cause.id
    assert effect.id != cause.id


def test_envelope_is_immutable() -> None:
    envelope = _envelope()
    with pytest.raises(ValidationError):
        envelope.tenant_id = "55040"  # type: ignore[misc]


def test_build_refuses_a_payload_without_identity() -> None:
    class Anonymous(EventPayload):
        value: int

    with pytest.raises(TypeError, match="event_type"):
        Envelope.build(Anonymous(value=1), tenant_id=TENANT, correlation_id=uuid4())
