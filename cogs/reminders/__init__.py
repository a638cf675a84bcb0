"""Reminders: the /remind commands (``_cog``) and the reminder timers' delivery (``_timers``)."""

from __future__ import annotations

from bot.client import StudyCircle
from cogs.reminders._cog import Reminders


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Reminders(bot))
