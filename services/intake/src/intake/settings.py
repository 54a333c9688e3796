from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from guichet_kit.settings import DEV_SECRET_MARKER, Environment, KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake"
    database_schema: str = "intake"
    database_app_role: str | None = "intake_app"

    # Key deriving the reporters' tracking tokens (HMAC); rotating it invalidates
    # the tokens already handed out.
    tracking_token_key: SecretStr = SecretStr(f"{DEV_SECRET_MARKER}-tracking-token-key")
    photo_max_count: int = 5
    photo_max_bytes: int = 10 * 1024 * 1024
    photo_max_pixels: int = 40_000_000
    photo_max_side: int = 2560
    photo_thumbnail_side: int = 400
    photo_jpeg_quality: int = 85
    photo_workers: int = 2
    # Open311 discovery: whom client developers contact about the API.
    open311_contact: str = "Guichet operators <open311@guichet.be>"

    @model_validator(mode="after")
    def _refuse_dev_tracking_key_in_production(self) -> "Settings":
        secret = self.tracking_token_key.get_secret_value()
        if self.environment is Environment.PRODUCTION and DEV_SECRET_MARKER in secret:
            raise ValueError("tracking_token_key must be set to a real secret in production")
        return self
