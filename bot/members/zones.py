"""A member's own time zone: what every time the bot reads or shows them is in.

Members of one reading group live in different zones; the server's zone (``/config timezone``)
is right for the group's sessions but wrong for "remind me at 9am" typed in Tokyo. So each
member may set their own zone per server; without one, the server's applies. Either way the
caller gets a :class:`MemberZone` that knows which it is, so every reply can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import affected_rows
from bot.db.models.members import MemberSettings
from bot.scheduling.clock import Clock, utc_now
from bot.timezones import resolve_zone


@dataclass(frozen=True)
class MemberZone:
    """The zone to read and show a member's times in, and whose choice it was."""

    zone: ZoneInfo
    personal: bool

    @property
    def key(self) -> str:
        return self.zone.key

    @property
    def label(self) -> str:
        """``Asia/Tokyo, your time zone`` or ``Europe/London, the server's time zone``."""
        whose = "your time zone" if self.personal else "the server's time zone"
        return f"{self.zone.key}, {whose}"


def local_text(moment: datetime, zone: MemberZone | ZoneInfo) -> str:
    """``Mon 8 Mar 2027, 09:00 Asia/Tokyo``: a wall-clock time that names its zone."""
    tz = zone.zone if isinstance(zone, MemberZone) else zone
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} {tz.key}"


class MemberZones:
    """Read and change members' own zones (``/me timezone``)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock

    async def own(self, guild_id: int, user_id: int) -> str | None:
        """The member's own zone name in this server, if they set one."""
        async with self._sessions() as session:
            row = await session.get(MemberSettings, (guild_id, user_id))
            return None if row is None else row.timezone

    async def zone_for(self, guild_id: int, user_id: int, server_zone: str) -> MemberZone:
        """The member's zone, else ``server_zone`` (the caller has the server's settings)."""
        own = await self.own(guild_id, user_id)
        if own is not None:
            return MemberZone(ZoneInfo(own), personal=True)
        return MemberZone(ZoneInfo(server_zone), personal=False)

    async def set(self, guild_id: int, user_id: int, name: str) -> MemberZone:
        """Store the member's zone; near misses raise a UserError with suggestions."""
        zone = resolve_zone(name)
        async with self._sessions() as session, session.begin():
            row = await session.get(MemberSettings, (guild_id, user_id))
            if row is None:
                session.add(
                    MemberSettings(
                        guild_id=guild_id,
                        user_id=user_id,
                        timezone=zone.key,
                        updated_at=self._clock(),
                    )
                )
            else:
                row.timezone, row.updated_at = zone.key, self._clock()
        return MemberZone(zone, personal=True)

    async def clear(self, guild_id: int, user_id: int) -> bool:
        """Forget the member's zone (the server's applies again); False if none was set."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(MemberSettings).where(
                    MemberSettings.guild_id == guild_id, MemberSettings.user_id == user_id
                )
            )
        return affected_rows(result) > 0
