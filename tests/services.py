"""The six services as the cross-service tests see them: module, settings, migrations."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

SERVICE_NAMES = ("intake", "routing", "cases", "notify", "analytics", "portal")


@dataclass(frozen=True)
class ServiceModules:
    name: str
    main: ModuleType
    settings: ModuleType
    migrations_dir: Path


def service_modules(name: str) -> ServiceModules:
    cli = importlib.import_module(f"{name}.cli")
    return ServiceModules(
        name=name,
        main=importlib.import_module(f"{name}.main"),
        settings=importlib.import_module(f"{name}.settings"),
        migrations_dir=cli.MIGRATIONS_DIR,
    )
