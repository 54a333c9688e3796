from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore")

    service_name: str = "cases"
    database_schema: str = "cases"
    database_app_role: str | None = "cases_app"

    attachment_max_bytes: int = 10 * 1024 * 1024
    attachment_max_pixels: int = 40_000_000
    attachment_max_side: int = 2560
    attachment_thumbnail_side: int = 400
    attachment_url_seconds: int = 300
    image_workers: int = 2
    reporter_comment_max_chars: int = 2000
    reporter_comments_per_hour: int = 10
