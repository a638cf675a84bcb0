"""Configuration from the environment or a ``.env`` file (names as in the README).

Where things live by default:

* the content pack is the one shipped inside the package (``bot/pack``, which in a checkout is
  a link to ``content/``), so an installed copy finds it anywhere;
* data (the SQLite database, the heartbeat file) goes to ``DATA_DIR``: ``data/`` in a source
  checkout, as the README's commands expect, otherwise the per-user data folder
  (``$XDG_DATA_HOME/study-circle``, by default ``~/.local/share/study-circle``). Never inside
  the installed package.

Secrets can also be read from files (Docker and Kubernetes secrets):
``DISCORD_TOKEN_FILE=/run/secrets/discord_token`` wins over ``DISCORD_TOKEN``, and
``DATABASE_PASSWORD_FILE`` puts its content into ``DATABASE_URL`` as the password, so the URL
itself can live in plain configuration.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent  # the checkout, when running from one
BUNDLED_CONTENT = PACKAGE_DIR / "pack"
DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


def running_from_checkout() -> bool:
    """True when the code runs from a source checkout rather than an installed package."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "content").is_dir()


def default_data_dir() -> Path:
    if running_from_checkout():
        return PROJECT_ROOT / "data"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "study-circle"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _read_secret_file(name: str) -> str | None:
    """``<NAME>_FILE`` holds the path of a file with the secret (trailing newline dropped)."""
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ValueError(f"{name}_FILE={path} cannot be read: {error.strerror}") from None


DATABASE_FILE = "study_circle.sqlite3"
DEFAULT_DATABASE_URL = sqlite_url(default_data_dir() / DATABASE_FILE)  # with DATA_DIR unset


class Settings(BaseSettings):
    """Every setting the bot reads. Secrets have no default."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    discord_token: SecretStr | None = Field(
        default=None, description="Bot token from the Discord developer portal (required to run)."
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    # Filled from data_dir when unset (see _defaults_from_data_dir).
    database_url: str = ""
    discord_api_base: str = Field(default=DISCORD_API_BASE)
    discord_gateway_url: str = Field(default=DISCORD_GATEWAY_URL)
    discord_dev_guild_id: int | None = None
    content_dir: Path = BUNDLED_CONTENT
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    health_file: Path | None = None
    # The bot's own web server (/metrics, /healthz, /readyz, calendar feeds); off when unset.
    http_port: int | None = Field(default=None, ge=0, le=65535)
    http_host: str = "0.0.0.0"
    public_base_url: str | None = None
    # On SIGTERM, how long running timers and the commands, events and clicks in flight may take
    # to finish before the bot gives up its shards (compose's stop_grace_period is above it).
    shutdown_grace_seconds: float = Field(default=30.0, ge=0, le=600)
    # Signs calendar-feed links; unset, the bot token does (then a new bot token changes them).
    calendar_secret: SecretStr | None = None
    shard_count: int | None = Field(default=None, ge=1)
    # Comma-separated (SHARD_IDS=0,1) or a JSON list; NoDecode lets the validator see the text.
    shard_ids: Annotated[list[int] | None, NoDecode] = None

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_files(cls, data: Any) -> Any:
        token = _read_secret_file("DISCORD_TOKEN")
        if token is not None and isinstance(data, dict):
            data = {**data, "discord_token": token}
        return data

    @field_validator("discord_api_base", "public_base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

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
    def _defaults_from_data_dir(self) -> Settings:
        if not self.database_url:
            self.database_url = sqlite_url(self.data_dir / DATABASE_FILE)
        password = _read_secret_file("DATABASE_PASSWORD")
        if password is not None:
            try:
                url = make_url(self.database_url).set(password=password)
            except ArgumentError:
                raise ValueError(
                    "DATABASE_PASSWORD_FILE needs a DATABASE_URL to put it in"
                ) from None
            self.database_url = url.render_as_string(hide_password=False)
        if self.health_file is None:
            self.health_file = self.data_dir / "heartbeat.json"
        return self

    @property
    def feed_secret(self) -> bytes:
        """The key calendar-feed links are derived from (empty: feeds are off)."""
        secret = self.calendar_secret or self.discord_token
        return secret.get_secret_value().encode() if secret is not None else b""

    @property
    def heartbeat_path(self) -> Path:
        # Always set by _defaults_from_data_dir; the property keeps the type exact.
        return self.health_file or self.data_dir / "heartbeat.json"

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
            if any(not 0 <= shard < self.shard_count for shard in self.shard_ids):
                raise ValueError("every SHARD_IDS entry must be between 0 and SHARD_COUNT - 1")
        return self
