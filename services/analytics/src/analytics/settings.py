from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", extra="ignore")

    service_name: str = "analytics"
    database_schema: str = "analytics"
    database_app_role: str | None = "analytics_app"
