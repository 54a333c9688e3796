"""PostgreSQL access: engine, declarative base, tenancy (RLS), migrations, FastAPI dependencies."""

from guichet_kit.db.base import NAMING_CONVENTION, TenantMixin, create_metadata, geo_point
from guichet_kit.db.component import DatabaseComponent
from guichet_kit.db.dependencies import (
    SessionDep,
    bind_tenant,
    get_session,
)
from guichet_kit.db.engine import async_url, create_engine, create_session_factory
from guichet_kit.db.roles import ensure_app_role
from guichet_kit.db.tenancy import (
    TENANT_SETTING,
    set_tenant,
    tenant_transaction,
)

__all__ = [
    "NAMING_CONVENTION",
    "TENANT_SETTING",
    "DatabaseComponent",
    "SessionDep",
    "TenantMixin",
    "async_url",
    "bind_tenant",
    "create_engine",
    "create_metadata",
    "create_session_factory",
    "ensure_app_role",
    "geo_point",
    "get_session",
    "set_tenant",
    "tenant_transaction",
]
