import json
from pathlib import Path

import pytest

from guichet_stack.config import Stack, resolve_config
from guichet_stack.errors import StackError
from guichet_stack.services import (
    SERVICES,
    Service,
    check_installed,
    demo_logins,
    get_service,
    service_env,
)


@pytest.fixture
def stack(tmp_path: Path) -> Stack:  # shadows the session `stack` fixture on purpose
    return Stack.open(resolve_config("svc", port_base=42000, root=tmp_path))


def test_six_services_on_distinct_ports(stack: Stack) -> None:
    names = [svc.name for svc in SERVICES]
    assert names == ["intake", "routing", "cases", "notify", "analytics", "portal"]
    assert [svc.port(stack.config) for svc in SERVICES] == list(range(42100, 42106))


def test_service_env_for_intake(stack: Stack) -> None:
    env = service_env(stack, "intake")
    password = stack.secrets.app_password("intake")
    assert env["INTAKE_DATABASE_URL"] == (
        f"postgresql+asyncpg://intake_app:{password}@127.0.0.1:42000/guichet"
    )
    superuser_password = stack.secrets.pg_superuser_password
    assert env["INTAKE_DATABASE_MIGRATION_URL"] == (
        f"postgresql+asyncpg://postgres:{superuser_password}@127.0.0.1:42000/guichet"
    )
    assert env["INTAKE_DATABASE_SCHEMA"] == "intake"
    assert env["INTAKE_NATS_URL"] == "nats://127.0.0.1:42010"
    assert env["INTAKE_S3_ENDPOINT"] == "127.0.0.1:42020"
    assert env["INTAKE_S3_ACCESS_KEY"] == stack.secrets.s3_access_key
    assert env["INTAKE_S3_SECRET_KEY"] == stack.secrets.s3_secret_key
    assert env["INTAKE_S3_BUCKET"] == "guichet"
    assert json.loads(env["INTAKE_OIDC_ISSUERS"]) == ["http://127.0.0.1:42040/realms/guichet"]
    assert env["INTAKE_OIDC_AUDIENCE"] == "urn:guichet:api"
    assert env["INTAKE_ENVIRONMENT"] == "dev"
    assert env["INTAKE_SERVICE_NAME"] == "intake"
    assert not any(key.startswith("INTAKE_SMTP") for key in env)
    assert all(key.startswith("INTAKE_") for key in env)


def test_only_notify_gets_smtp(stack: Stack) -> None:
    env = service_env(stack, get_service("notify"), environment="test")
    assert env["NOTIFY_SMTP_HOST"] == "127.0.0.1"
    assert env["NOTIFY_SMTP_PORT"] == "42050"
    assert env["NOTIFY_ENVIRONMENT"] == "test"


def test_env_is_readable_by_the_kit_settings(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic_settings import SettingsConfigDict

    from guichet_kit.settings import KitSettings

    class CasesSettings(KitSettings):
        model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore")

    for key, value in service_env(stack, "cases").items():
        monkeypatch.setenv(key, value)
    settings = CasesSettings()
    assert settings.oidc_issuers == [stack.config.oidc_issuer]
    assert settings.database_schema == "cases"
    assert settings.s3_secret_key.get_secret_value() == stack.secrets.s3_secret_key


def test_unknown_service() -> None:
    with pytest.raises(StackError, match="unknown service"):
        get_service("billing")


def test_missing_service_package_is_a_clear_error() -> None:
    with pytest.raises(StackError, match=r"module nosuchsvc\.main not found"):
        check_installed(Service("nosuchsvc"))


def test_demo_logins_accepts_list_or_object(tmp_path: Path) -> None:
    users = [{"username": "staff.leeuw", "password": "pw", "description": "staff 23077"}]
    as_list, as_object = tmp_path / "a.json", tmp_path / "b.json"
    as_list.write_text(json.dumps(users))
    as_object.write_text(json.dumps({"notice": "demo", "users": [*users, {"nope": 1}]}))
    assert demo_logins(as_list) == demo_logins(as_object)
    assert demo_logins(as_list)[0].username == "staff.leeuw"
    assert demo_logins(tmp_path / "missing.json") == []
