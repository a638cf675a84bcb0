"""Weekly sessions: the /session commands (``_cog``) and the session timers (``_timers``)."""

from __future__ import annotations

from bot.client import StudyCircle
from cogs.sessions._cog import Sessions


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Sessions(bot))
