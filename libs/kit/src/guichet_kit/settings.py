"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_MARKER = "dev-only"


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class KitSettings(BaseSettings):
    """Infrastructure settings. A service does `class Settings(KitSettings)` with
    `model_config = SettingsConfigDict(env_prefix="INTAKE_")`."""

    model_config = SettingsConfigDict(env_prefix="GUICHET_", extra="ignore")

    service_name: str = "guichet"
    environment: Environment = Environment.DEV
    log_level: str = "INFO"

    # PostgreSQL: the app role (no BYPASSRLS) and the migration role (owns the schema).
    database_url: str = "postgresql+asyncpg://app@127.0.0.1:5432/guichet"
    database_migration_url: str | None = None
    database_schema: str = "public"
    database_app_role: str | None = None
    database_pool_size: int = 20
    # No overflow: SQLAlchemy closes an overflow connection as soon as it is returned, so under
    # load every burst opened and closed connections (a fork and a SCRAM exchange each, on
    # both sides). Past the pool a request waits for a connection instead.
    database_max_overflow: int = 0

    # NATS JetStream
    nats_url: str = "nats://127.0.0.1:4222"

    # S3 (MinIO in production, SeaweedFS locally)
    s3_endpoint: str | None = None
    s3_access_key: str = "guichet"
    s3_secret_key: SecretStr = SecretStr(f"{DEV_SECRET_MARKER}-s3-secret")
    s3_bucket: str = "guichet"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    # Host clients use for presigned URLs (the signature covers it); defaults to s3_endpoint.
    s3_public_url: str | None = None

    # OIDC: exact issuer allowlist, audience our access tokens must carry.
    oidc_issuers: list[str] = Field(default_factory=list)
    oidc_audience: str = "urn:guichet:api"
    oidc_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "PS256"])
    # Public client the Swagger UI (/docs) logs in with at the first issuer (code + PKCE).
    oidc_docs_client_id: str = "guichet-swagger"

    # Key for hashing national register numbers (never stored in clear).
    nrn_hash_key: SecretStr = SecretStr(f"{DEV_SECRET_MARKER}-nrn-key")

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> KitSettings:
        if self.environment is Environment.PRODUCTION:
            for name in ("s3_secret_key", "nrn_hash_key"):
                value: SecretStr = getattr(self, name)
                if DEV_SECRET_MARKER in value.get_secret_value():
                    raise ValueError(f"{name} must be set to a real secret in production")
            if not self.oidc_issuers:
                raise ValueError("oidc_issuers must list the trusted issuers in production")
        return self

    @property
    def migration_url(self) -> str:
        return self.database_migration_url or self.database_url
