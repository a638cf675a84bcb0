"""Reads and writes a server's settings; every call is scoped to one guild id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import GuildChannel, GuildSettings
from bot.errors import UserError
from bot.timezones import resolve_zone

# Channel purposes an organiser can configure, with what the bot posts there.
CHANNEL_PURPOSES: Mapping[str, str] = MappingProxyType(
    {
        "sessions": "session announcements, RSVPs, reminders and session threads",
        "readings": "the weekly reading post",
        "polls": "poll results",
        "log": "notes for organisers (missed reminders, missing permissions)",
    }
)


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    timezone: str = "UTC"
    organiser_role_id: int | None = None
    channels: Mapping[str, int] = field(default_factory=dict)


class GuildConfigService:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory
        # Read by nearly every command (organiser check, time zone); one process serves a
        # server and every write goes through this service, which refreshes the entry.
        self._cache: dict[int, GuildConfig] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        if (cached := self._cache.get(guild_id)) is not None:
            return cached
        async with self._sessions() as session:
            row = await session.get(GuildSettings, guild_id)
            config = GuildConfig(guild_id=guild_id) if row is None else _to_config(row)
        self._cache[guild_id] = config
        return config

    async def local_date(self, guild_id: int, now: datetime) -> date:
        """Today's date in the server's time zone (weeks start on *its* Monday)."""
        config = await self.get(guild_id)
        return now.astimezone(ZoneInfo(config.timezone)).date()

    async def set_timezone(self, guild_id: int, zone_name: str) -> GuildConfig:
        zone = resolve_zone(zone_name)
        return await self._update(guild_id, timezone=zone.key)

    async def set_organiser_role(self, guild_id: int, role_id: int | None) -> GuildConfig:
        return await self._update(guild_id, organiser_role_id=role_id)

    async def set_channel(self, guild_id: int, purpose: str, channel_id: int) -> GuildConfig:
        if purpose not in CHANNEL_PURPOSES:
            known = ", ".join(f"`{p}`" for p in CHANNEL_PURPOSES)
            raise UserError(f"`{purpose[:32]}` is not a channel purpose. Choose one of {known}.")
        async with self._sessions.begin() as session:
            row = await self._row(session, guild_id)
            current = {c.purpose: c for c in row.channels}
            if purpose in current:
                current[purpose].channel_id = channel_id
            else:
                row.channels.append(GuildChannel(purpose=purpose, channel_id=channel_id))
            await session.flush()
            config = _to_config(row)
        self._cache[guild_id] = config
        return config

    async def _update(self, guild_id: int, **values: object) -> GuildConfig:
        async with self._sessions.begin() as session:
            row = await self._row(session, guild_id)
            for name, value in values.items():
                setattr(row, name, value)
            await session.flush()
            config = _to_config(row)
        self._cache[guild_id] = config
        return config

    @staticmethod
    async def _row(session: AsyncSession, guild_id: int) -> GuildSettings:
        row = await session.get(GuildSettings, guild_id)
        if row is None:
            row = GuildSettings(guild_id=guild_id, timezone="UTC", channels=[])
            session.add(row)
        return row


def _to_config(row: GuildSettings) -> GuildConfig:
    return GuildConfig(
        guild_id=row.guild_id,
        timezone=row.timezone,
        organiser_role_id=row.organiser_role_id,
        channels=MappingProxyType({c.purpose: c.channel_id for c in row.channels}),
    )
