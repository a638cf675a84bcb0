"""The zone a member's times are read and shown in: their own (``/me timezone``), else the
server's. Every reply that shows a time names the zone it used, through :func:`zone_note`."""

from __future__ import annotations

from datetime import datetime

from bot.members import MemberZone, local_text
from bot.types import StudyBot


async def zone_of(bot: StudyBot, guild_id: int, user_id: int) -> MemberZone:
    server = (await bot.guild_config.get(guild_id)).timezone
    return await bot.services.zones.zone_for(guild_id, user_id, server)


def zone_note(moment: datetime, zone: MemberZone) -> str:
    """``Mon 8 Mar 2027, 09:00 Asia/Tokyo (your time zone)``."""
    whose = "your time zone" if zone.personal else "the server's time zone"
    return f"{local_text(moment, zone)} ({whose})"
