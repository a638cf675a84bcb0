"""Per-server configuration: time zone, channels by purpose, organiser role."""

from bot.config.service import CHANNEL_PURPOSES, GuildConfig, GuildConfigService

__all__ = ["CHANNEL_PURPOSES", "GuildConfig", "GuildConfigService"]
