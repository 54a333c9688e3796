"""`seed_demo` and `python -m routing.cli seed-demo`: idempotent, and written through RLS."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from guichet_contracts.values import Priority
from guichet_kit.db import set_tenant, tenant_transaction
from guichet_testing.database import ServiceDatabase
from routing.demo import load_demo_directory
from routing.directory.seed import SeedReport, seed_demo
from routing.models import Category, Department, Municipality, Subcategory
from routing.rules import repository as rules
from routing.rules.schemas import RuleBody, RuleSetBody
from routing.rules.validation import validate_rule_set

TENANT_MODELS = (Department, Category, Subcategory)
LEEUW, SOIGNIES = "23077", "55040"
REPO_ROOT = Path(__file__).resolve().parents[3]


def expected_counts() -> dict[str, Counter[str]]:
    """Rows per table and tenant that the demo directory describes."""
    towns = load_demo_directory().municipalities
    return {
        "municipality": Counter({t.nis: 1 for t in towns}),
        "department": Counter({t.nis: len(t.departments) for t in towns}),
        "category": Counter({t.nis: len(t.categories) for t in towns}),
        "subcategory": Counter(
            {t.nis: sum(len(c.subcategories) for c in t.categories) for t in towns}
        ),
    }


async def stored_counts(admin_engine: AsyncEngine) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    async with admin_engine.connect() as connection:
        rows = await connection.execute(select(Municipality.nis))
        counts["municipality"] = Counter(nis for (nis,) in rows)
        for model in TENANT_MODELS:
            statement = select(model.tenant_id, func.count()).group_by(model.tenant_id)
            result = await connection.execute(statement)
            counts[model.__tablename__] = Counter(dict(result.all()))
    return counts


async def row_versions(admin_engine: AsyncEngine) -> set[tuple[str, str, str]]:
    """(table, id, xmin) of every directory row: xmin changes whenever a row is rewritten."""
    versions: set[tuple[str, str, str]] = set()
    async with admin_engine.connect() as connection:
        for table, key in [
            ("municipality", "nis"),
            ("department", "id"),
            ("category", "id"),
            ("subcategory", "id"),
        ]:
            result = await connection.execute(
                text(f"SELECT {key}::text, xmin::text FROM routing.{table}")
            )
            versions |= {(table, key_, xmin) for key_, xmin in result}
    return versions


async def test_seed_loads_the_whole_demo_directory(
    seeded: SeedReport, admin_engine: AsyncEngine
) -> None:
    assert seeded.municipalities == len(load_demo_directory().municipalities)
    assert await stored_counts(admin_engine) == expected_counts()


async def test_seeding_again_changes_nothing(
    seeded: SeedReport,
    app_sessions: async_sessionmaker[AsyncSession],
    admin_engine: AsyncEngine,
) -> None:
    before = await row_versions(admin_engine)

    report = await seed_demo(app_sessions)

    assert report.rows_changed == 0
    assert await row_versions(admin_engine) == before
    assert await stored_counts(admin_engine) == expected_counts()


async def test_seed_repairs_a_drifted_row(
    seeded: SeedReport,
    app_sessions: async_sessionmaker[AsyncSession],
    admin_engine: AsyncEngine,
) -> None:
    demo = load_demo_directory().municipality(SOIGNIES).category("graffiti")
    async with admin_engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE routing.category SET sla_business_days = sla_business_days + 1 "
                "WHERE tenant_id = :tenant AND code = 'graffiti'"
            ),
            {"tenant": SOIGNIES},
        )

    report = await seed_demo(app_sessions)

    assert report.rows_changed == 1
    async with tenant_transaction(app_sessions, SOIGNIES) as session:
        sla = await session.scalar(
            select(Category.sla_business_days).where(Category.code == "graffiti")
        )
    assert sla == demo.sla_business_days


async def test_seed_stores_the_category_settings(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    town = load_demo_directory().municipality(LEEUW)
    async with tenant_transaction(app_sessions, LEEUW) as session:
        departments = {d.id: d.code for d in await session.scalars(select(Department))}
        categories = {c.code: c for c in await session.scalars(select(Category))}
        subcategories = await session.scalars(select(Subcategory))
        sub_codes = Counter((s.category_id, s.code) for s in subcategories)
    for position, demo in enumerate(town.categories):
        stored = categories[demo.code]
        assert departments[stored.default_department_id] == demo.default_department
        assert stored.labels == demo.label.model_dump()
        assert stored.notice == (demo.notice.model_dump() if demo.notice else None)
        assert (stored.duplicate_radius_m, stored.sla_business_days) == (
            demo.duplicate_radius_m,
            demo.sla_business_days,
        )
        assert (stored.default_priority, stored.confidentiality) == (
            demo.default_priority.value,
            demo.confidentiality.value,
        )
        assert stored.position == position
        assert {code for (cid, code) in sub_codes if cid == stored.id} == {
            s.code for s in demo.subcategories
        }


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__tablename__)
async def test_other_tenant_sees_nothing(
    seeded: SeedReport,
    app_sessions: async_sessionmaker[AsyncSession],
    model: type[Department | Category | Subcategory],
) -> None:
    async with tenant_transaction(app_sessions, SOIGNIES) as session:
        visible = Counter(await session.scalars(select(model.tenant_id)))
        leeuw_by_filter = await session.scalar(
            select(func.count()).select_from(model).where(model.tenant_id == LEEUW)
        )
    assert set(visible) == {SOIGNIES}
    assert visible[SOIGNIES] == expected_counts()[model.__tablename__][SOIGNIES]
    assert leeuw_by_filter == 0


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__tablename__)
async def test_no_tenant_bound_sees_nothing(
    seeded: SeedReport,
    app_sessions: async_sessionmaker[AsyncSession],
    model: type[Department | Category | Subcategory],
) -> None:
    async with app_sessions() as session, session.begin():
        assert await session.scalar(select(func.count()).select_from(model)) == 0


async def test_municipalities_are_visible_without_a_tenant(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with app_sessions() as session, session.begin():
        found = set(await session.scalars(select(Municipality.nis)))
    assert found == set(expected_counts()["municipality"])


async def test_a_tenant_cannot_write_another_tenants_department(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    labels = {"fr": "x", "nl": "x", "de": "x", "en": "x"}
    async with app_sessions() as session, session.begin():
        await set_tenant(session, SOIGNIES)
        session.add(Department(tenant_id=LEEUW, code="INTRUDER", labels=labels, kind="municipal"))
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.flush()


async def test_a_category_cannot_point_at_another_tenants_department(
    seeded: SeedReport, admin_engine: AsyncEngine
) -> None:
    """The composite foreign key holds even for a role that bypasses RLS."""
    async with admin_engine.connect() as connection:
        leeuw_department = await connection.scalar(
            select(Department.id).where(Department.tenant_id == LEEUW).limit(1)
        )
        with pytest.raises(IntegrityError, match="category_tenant_id_default_department_id_fkey"):
            await connection.execute(
                text(
                    "UPDATE routing.category SET default_department_id = :department "
                    "WHERE tenant_id = :tenant"
                ),
                {"department": leeuw_department, "tenant": SOIGNIES},
            )
        await connection.rollback()


async def test_cli_seed_demo_runs_as_the_app_role(
    seeded: SeedReport, routing_db: ServiceDatabase, admin_engine: AsyncEngine
) -> None:
    env = {**os.environ, "ROUTING_DATABASE_URL": routing_db.app_role.url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "routing.cli",
        "seed-demo",
        env=env,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()

    assert process.returncode == 0, stderr.decode()
    assert "5 municipalities, 0 rows inserted or updated" in stdout.decode()
    assert await stored_counts(admin_engine) == expected_counts()


async def test_demo_rules_are_seeded_once_and_an_admins_rules_are_kept(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    demo = load_demo_directory().municipality(LEEUW)
    async with tenant_transaction(app_sessions, LEEUW) as session:
        stored = [rule for rule, _ in await rules.stored_rules(session)]
    assert [r.name for r in stored] == [r.name for r in demo.rules]
    assert stored[0].keywords == list(demo.rules[0].keywords)
    assert stored[0].department_codes == ["ENV", "CLEAN"]

    own = RuleBody(
        name="Everything to the works department",
        departments=["WORKS"],
        priority=Priority.LOW,
        sla_business_days=10,
    )
    async with tenant_transaction(app_sessions, LEEUW) as session:
        valid = await validate_rule_set(
            session, RuleSetBody(rules=[own]), await rules.directory(session)
        )
        await rules.replace_rules(session, LEEUW, valid)

    assert (await seed_demo(app_sessions)).rows_changed == 0
    async with tenant_transaction(app_sessions, LEEUW) as session:
        kept = [rule.name for rule, _ in await rules.stored_rules(session)]
    assert kept == [own.name]
