"""The command line every service ships as ``python -m <svc>.cli``.

``migrate`` upgrades the service's schema; a service adds its own commands (routing's
``seed-demo``) as async callables taking its settings, documented by their docstring.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any

from guichet_kit.db.migrations import upgrade
from guichet_kit.i18n import load_catalogue
from guichet_kit.logging import configure_logging
from guichet_kit.settings import KitSettings

Command = Callable[[Any], Coroutine[Any, Any, None]]


def run_service_cli(
    settings: KitSettings,
    migrations_dir: Path,
    commands: Mapping[str, Command] | None = None,
    argv: Sequence[str] | None = None,
    catalogue: str | None = None,
) -> None:
    """`catalogue` names the service's message catalogue when its commands render messages
    (e.g. an error's text in a log line)."""
    extra = dict(commands or {})
    parser = argparse.ArgumentParser(prog=f"python -m {settings.service_name}.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    migrate = sub.add_parser("migrate", help="upgrade the service schema")
    migrate.add_argument("--revision", default="head")
    for name, command in extra.items():
        sub.add_parser(name, help=_summary(command))
    args = parser.parse_args(argv)
    configure_logging(settings.service_name, settings.log_level)
    if catalogue is not None:
        load_catalogue(catalogue)
    if args.command == "migrate":
        upgrade(
            migrations_dir,
            settings.migration_url,
            revision=args.revision,
            app_role=settings.database_app_role,
        )
    else:
        asyncio.run(extra[args.command](settings))


def _summary(command: Command) -> str:
    doc = inspect.getdoc(command) or ""
    return doc.splitlines()[0] if doc else ""
