from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore")

    service_name: str = "cases"
    database_schema: str = "cases"
    database_app_role: str | None = "cases_app"
