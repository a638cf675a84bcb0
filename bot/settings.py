"""Configuration from the environment or a ``.env`` file (names as in the README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'study_circle.sqlite3'}"
DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


class Settings(BaseSettings):
    """Every setting the bot reads. Secrets have no default."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    discord_token: SecretStr | None = Field(
        default=None, description="Bot token from the Discord developer portal (required to run)."
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    discord_api_base: str = Field(default=DISCORD_API_BASE)
    discord_gateway_url: str = Field(default=DISCORD_GATEWAY_URL)
    discord_dev_guild_id: int | None = None
    content_dir: Path = PROJECT_ROOT / "content"
    log_level: str = "INFO"
    health_file: Path = PROJECT_ROOT / "data" / "heartbeat.json"
    shard_count: int | None = Field(default=None, ge=1)
    # Comma-separated (SHARD_IDS=0,1) or a JSON list; NoDecode lets the validator see the text.
    shard_ids: Annotated[list[int] | None, NoDecode] = None

    @field_validator("discord_api_base")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [int(part) for part in text.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
            if any(not 0 <= shard < self.shard_count for shard in self.shard_ids):
                raise ValueError("every SHARD_IDS entry must be between 0 and SHARD_COUNT - 1")
        return self
