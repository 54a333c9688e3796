from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify"
    database_schema: str = "notify"
    database_app_role: str | None = "notify_app"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "Guichet <no-reply@guichet.local>"
