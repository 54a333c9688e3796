"""`python -m routing.cli migrate | seed-demo`."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.pool import NullPool

from guichet_kit.cli import run_service_cli
from guichet_kit.db import create_engine, create_session_factory
from routing.directory.seed import seed_demo
from routing.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

logger = logging.getLogger(__name__)


async def seed_demo_command(settings: Settings) -> None:
    """load the demo municipalities, departments and categories"""
    # The app role, not the migration role: the seed goes through row-level security.
    engine = create_engine(settings, poolclass=NullPool)
    try:
        report = await seed_demo(create_session_factory(engine))
    finally:
        await engine.dispose()
    logger.info(
        "demo directory seeded: %d municipalities, %d rows inserted or updated",
        report.municipalities,
        report.rows_changed,
    )


def main() -> None:
    run_service_cli(
        Settings(),
        MIGRATIONS_DIR,
        commands={"seed-demo": seed_demo_command},
        catalogue="routing",
    )


if __name__ == "__main__":
    main()
