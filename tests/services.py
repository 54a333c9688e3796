"""The six services as the cross-service tests see them: module, settings, migrations."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from guichet_stack.ports import SERVICE_NAMES
from guichet_testing.database import ServiceDatabase
from guichet_testing.stack import StackInfo

__all__ = ["SERVICE_NAMES", "service_modules", "service_settings"]


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


def service_settings(
    name: str, stack: StackInfo, database: ServiceDatabase, **overrides: Any
) -> Any:
    """The service's own Settings class, pointed at the test stack (as `make run` does)."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database.app_role.url,
        "database_migration_url": database.migration_role.url,
        "database_app_role": database.app_role.name,
        "database_pool_size": 5,
        "nats_url": stack.nats_url,
        "s3_endpoint": stack.s3_endpoint,
        "s3_access_key": stack.s3_access_key,
        "s3_secret_key": stack.s3_secret_key,
        "oidc_issuers": [stack.oidc_issuer],
        "smtp_host": stack.smtp_host,
        "smtp_port": stack.smtp_port,
    }
    values.update(overrides)
    settings_class = service_modules(name).settings.Settings
    known = {key: value for key, value in values.items() if key in settings_class.model_fields}
    return settings_class(**known)
