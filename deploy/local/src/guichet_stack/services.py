"""The platform's services: names, ports, database roles and the environment each one gets.
`service_env` is also what end-to-end tests use to start a service against a stack."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from guichet_stack.config import BUCKET, DATABASE, Stack, StackConfig
from guichet_stack.errors import StackError
from guichet_stack.ports import SERVICE_NAMES

OIDC_AUDIENCE = "urn:guichet:api"
SMTP_SERVICES = frozenset({"notify"})


@dataclass(frozen=True)
class Service:
    name: str

    @property
    def factory(self) -> str:
        return f"{self.name}.main:create_app"

    @property
    def cli_module(self) -> str:
        return f"{self.name}.cli"

    @property
    def env_prefix(self) -> str:
        return f"{self.name.upper()}_"

    @property
    def app_role(self) -> str:
        return f"{self.name}_app"

    def port(self, cfg: StackConfig) -> int:
        return cfg.ports[self.name]

    def url(self, cfg: StackConfig) -> str:
        return f"http://{cfg.host}:{self.port(cfg)}"


SERVICES: tuple[Service, ...] = tuple(Service(name) for name in SERVICE_NAMES)


def get_service(name: str) -> Service:
    for service in SERVICES:
        if service.name == name:
            return service
    raise StackError(f"unknown service {name!r}; known: {', '.join(SERVICE_NAMES)}")


def service_env(stack: Stack, service: Service | str, environment: str = "dev") -> dict[str, str]:
    """<SVC>_* settings (guichet_kit.settings.KitSettings) pointing at this stack."""
    svc = get_service(service) if isinstance(service, str) else service
    cfg, sec = stack.config, stack.secrets
    host, driver = cfg.host, "postgresql+asyncpg"
    password = sec.app_password(svc.name)
    values = {
        "ENVIRONMENT": environment,
        "SERVICE_NAME": svc.name,
        "DATABASE_URL": cfg.pg_url(svc.app_role, password, DATABASE, driver=driver),
        "DATABASE_MIGRATION_URL": stack.pg_admin_url(DATABASE, driver=driver),
        "DATABASE_SCHEMA": svc.name,
        "NATS_URL": f"nats://{host}:{cfg.ports['nats']}",
        "S3_ENDPOINT": f"{host}:{cfg.ports['s3']}",
        "S3_ACCESS_KEY": sec.s3_access_key,
        "S3_SECRET_KEY": sec.s3_secret_key,
        "S3_BUCKET": BUCKET,
        "OIDC_ISSUERS": json.dumps([cfg.oidc_issuer]),
        "OIDC_AUDIENCE": OIDC_AUDIENCE,
    }
    if svc.name in SMTP_SERVICES:
        values |= {"SMTP_HOST": host, "SMTP_PORT": str(cfg.ports["smtp"])}
    return {svc.env_prefix + key: value for key, value in values.items()}


def check_installed(service: Service) -> None:
    """Fail clearly when a service's package, app module or CLI is not there."""
    for module in (f"{service.name}.main", service.cli_module):
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            raise StackError(
                f"service {service.name!r}: module {module} not found "
                f"(services/{service.name}/src/{module.replace('.', '/')}.py)"
            )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def provision_app_roles(stack: Stack, services: tuple[Service, ...] = SERVICES) -> None:
    """Create or update `<svc>_app` (LOGIN, no superuser, no BYPASSRLS); grants are the
    migrations' job. Roles are cluster-wide, so test databases share them."""
    conn = await asyncpg.connect(stack.pg_admin_url(DATABASE), timeout=10)
    try:
        for svc in services:
            password = _literal(stack.secrets.app_password(svc.name))
            options = f"LOGIN PASSWORD {password} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", svc.app_role)
            verb = "ALTER" if exists else "CREATE"
            await conn.execute(f'{verb} ROLE "{svc.app_role}" {options}')
    finally:
        await conn.close()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    description: str


def demo_logins(path: Path) -> list[DemoLogin]:
    """Users of the local OIDC provider (users.json: a list, or {"users": [...]})."""
    if not path.is_file():
        return []
    data = json.loads(path.read_text())
    entries = data.get("users", []) if isinstance(data, dict) else data
    return [
        DemoLogin(
            str(entry.get("username", "")),
            str(entry.get("password", "")),
            str(entry.get("description", "")),
        )
        for entry in entries
        if isinstance(entry, dict) and entry.get("username")
    ]
