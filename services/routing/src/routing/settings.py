from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTING_", extra="ignore")

    service_name: str = "routing"
    database_schema: str = "routing"
    database_app_role: str | None = "routing_app"

    duplicate_window_days: int = 30
