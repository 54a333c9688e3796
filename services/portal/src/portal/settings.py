from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    service_name: str = "portal"
    database_schema: str = "portal"
    database_app_role: str | None = "portal_app"
