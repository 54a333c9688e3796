from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake"
    database_schema: str = "intake"
    database_app_role: str | None = "intake_app"
