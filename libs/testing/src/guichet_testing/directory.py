"""Directory snapshots for tests of the services consuming `directory.published` v1.

Three synthetic towns with box boundaries (23077 and 63023 share the edge lon = 4.30, to test
border decisions), categories with questions, and helpers to publish snapshots on the
DIRECTORY stream and wait until a projection has caught up.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.directory import (
    CategoryInfo,
    DepartmentInfo,
    DirectoryPublished,
    MunicipalityInfo,
    QuestionInfo,
    QuestionOption,
    SubcategoryInfo,
)
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Confidentiality, Labels, Priority
from guichet_kit.db.identifiers import qualified

# Synthetic boundaries (lon/lat boxes): 23077 and 63023 share the edge lon = 4.30.
LEEUW, SOIGNIES, EUPEN = "23077", "55040", "63023"
BOXES = {
    LEEUW: (4.20, 50.70, 4.30, 50.80),
    SOIGNIES: (4.00, 50.55, 4.10, 50.65),
    EUPEN: (4.30, 50.70, 4.40, 50.80),
}
IN_LEEUW = {"lat": 50.75, "lon": 4.25}
IN_SOIGNIES = {"lat": 50.60, "lon": 4.05}
OUTSIDE = {"lat": 51.2, "lon": 3.2}


def labels(text_: str) -> Labels:
    return Labels(fr=text_, nl=text_, de=text_, en=text_)


def box(nis: str) -> dict[str, Any]:
    x0, y0, x1, y1 = BOXES[nis]
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def category(code: str, *, questions: list[QuestionInfo] | None = None) -> CategoryInfo:
    return CategoryInfo(
        code=code,
        labels=labels(code.replace("_", " ")),
        subcategories=[SubcategoryInfo(code=f"{code}_other", labels=labels("other"))],
        default_department_code="general",
        default_priority=Priority.NORMAL,
        confidentiality=Confidentiality.PUBLIC,
        sla_business_days=5,
        duplicate_radius_m=50,
        questions=questions or [],
    )


DUMPING_QUESTIONS = [
    QuestionInfo(code="volume_m3", labels=labels("volume"), datatype="number", required=True),
    QuestionInfo(
        code="hazard",
        labels=labels("hazard"),
        datatype="singlevaluelist",
        options=[
            QuestionOption(key="yes", labels=labels("yes")),
            QuestionOption(key="no", labels=labels("no")),
        ],
    ),
]

NAMES = {
    LEEUW: Labels(
        fr="Leeuw-Saint-Pierre",
        nl="Sint-Pieters-Leeuw",
        de="Sint-Pieters-Leeuw",
        en="Sint-Pieters-Leeuw",
    ),
    SOIGNIES: Labels(fr="Soignies", nl="Zinnik", de="Soignies", en="Soignies"),
    EUPEN: Labels(fr="Eupen", nl="Eupen", de="Eupen", en="Eupen"),
}
LANGUAGES: dict[str, list[Any]] = {LEEUW: ["nl"], SOIGNIES: ["fr"], EUPEN: ["de"]}
PREFIXES = {LEEUW: "SPL", SOIGNIES: "SOI", EUPEN: "EUP"}
CATEGORIES = {
    LEEUW: [category("sluikstort", questions=DUMPING_QUESTIONS), category("wegdek")],
    SOIGNIES: [category("depot_clandestin"), category("voirie")],
    EUPEN: [category("strasse")],
}


def snapshot(nis: str, revision: int, categories: list[CategoryInfo] | None = None) -> Envelope:
    payload = DirectoryPublished(
        revision=revision,
        municipality=MunicipalityInfo(
            nis=nis,
            names=NAMES[nis],
            languages=LANGUAGES[nis],
            case_prefix=PREFIXES[nis],
            boundary=box(nis),
        ),
        departments=[DepartmentInfo(code="general", labels=labels("general"), kind="service")],
        categories=CATEGORIES[nis] if categories is None else categories,
    )
    return Envelope.build(payload, tenant_id=nis, correlation_id=uuid7())


async def publish(js: JetStreamContext, envelope: Envelope) -> None:
    await js.publish(
        envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": str(envelope.id)}
    )


async def projected_revision(engine: AsyncEngine, schema: str, nis: str) -> int | None:
    """The revision a service's `<schema>.municipality` projection holds for `nis`."""
    async with engine.connect() as connection:
        table = qualified("municipality", schema)
        query = text(f"SELECT revision FROM {table} WHERE nis = :nis")  # noqa: S608
        result = await connection.execute(query, {"nis": nis})
        return result.scalar_one_or_none()


async def wait_for_revision(
    engine: AsyncEngine, schema: str, nis: str, revision: int, within: float = 10.0
) -> None:
    """Until the projection holds `revision` or a later one (a later one wins over it)."""
    deadline = asyncio.get_running_loop().time() + within
    while (await projected_revision(engine, schema, nis) or 0) < revision:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{nis} not projected at revision >= {revision} in {schema}")
        await asyncio.sleep(0.05)


async def handled(engine: AsyncEngine, schema: str, consumer: str, event_id: str) -> bool:
    """Whether `consumer` has processed the event (its inbox holds the claim)."""
    async with engine.connect() as connection:
        table = qualified("inbox", schema)
        query = text(f"SELECT 1 FROM {table} WHERE consumer = :c AND event_id = :e")  # noqa: S608
        result = await connection.execute(query, {"c": consumer, "e": event_id})
        return result.first() is not None
