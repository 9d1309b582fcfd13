"""Process settings, read once from the environment and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///kpibot.db"


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable and the problem."""


def normalize_database_url(url: str) -> str:
    """Map the URL forms hosting platforms hand out to the drivers kpibot ships with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Settings(BaseSettings):
    """Everything kpibot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="KPIBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Hosting platforms set DATABASE_URL; our own variable wins when both exist.
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("KPIBOT_DATABASE_URL", "DATABASE_URL"),
    )
    timezone: str = "Asia/Tokyo"
    locale: Literal["ja", "en"] = "ja"
    catalog: Path | None = None

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        url = normalize_database_url(url.strip())
        if not url.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError(
                "must start with sqlite:/// or postgresql:// (got "
                f"{url.split('://', 1)[0] or 'nothing'}://...)"
            )
        return url

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {name!r} (use an IANA name such as Asia/Tokyo)"
            ) from None
        return name

    @field_validator("catalog")
    @classmethod
    def _catalog_exists(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise ValueError(f"no such file: {path}")
        return path

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone as a tzinfo."""
        return ZoneInfo(self.timezone)


_ENV_NAMES = {
    "database_url": "KPIBOT_DATABASE_URL",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
}


def load_settings() -> Settings:
    """Read the settings, turning a bad value into one line naming the variable."""
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "?"
            # Fields read through an alias report the alias (the variable) itself.
            name = field if field.isupper() else _ENV_NAMES.get(field, f"KPIBOT_{field.upper()}")
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{name}: {message}")
        raise SettingsError("; ".join(problems)) from None
