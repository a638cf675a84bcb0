"""The syllabus follows the session schedule: week N starts on the date of the Nth session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import islice

from bot.scheduling.recurrence import regular_dates
from bot.scheduling.sessions import SessionService

MAX_WEEKS = 52


class SessionWeeks:
    """A :class:`bot.library.service.SyllabusCalendar` backed by the weekly schedule."""

    def __init__(self, sessions: SessionService, max_weeks: int = MAX_WEEKS) -> None:
        self._sessions = sessions
        self._max_weeks = max_weeks

    async def week_starts(self, guild_id: int) -> Sequence[date] | None:
        info = await self._sessions.current(guild_id)
        if info is None:
            return None
        if info.starts is not None:
            first = info.starts
        elif info.created_at is not None:
            first = info.created_at.astimezone(info.recurrence().tz).date()
        else:
            return None
        schedule = info.recurrence()
        # A skipped week has no session, so its reading moves on to the next one.
        dates = (day for day in regular_dates(schedule, first) if day not in schedule.skips)
        return list(islice(dates, self._max_weeks))
