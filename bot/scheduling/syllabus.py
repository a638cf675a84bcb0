"""The syllabus follows the session schedule: week N starts on the date of the Nth session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import islice

from bot.scheduling.recurrence import local_to_utc, regular_dates
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
        # Re-running /session schedule (say, to move the time) must not send the syllabus back
        # to week 1: without an explicit start, weeks count from the first schedule ever made.
        created = await self._sessions.first_scheduled_at(guild_id) or info.created_at
        if info.starts is not None:
            first = info.starts
        elif created is not None:
            first = created.astimezone(info.recurrence().tz).date()
        else:
            return None
        schedule = info.recurrence()
        # A skipped week has no session, so its reading moves on to the next one; nor does a
        # date whose time had already passed when the schedule was made (scheduling Thursdays
        # 19:00 on a Thursday evening starts with next week's session, not tonight's).
        dates = (
            day
            for day in regular_dates(schedule, first)
            if day not in schedule.skips
            and (created is None or local_to_utc(day, info.at, schedule.tz) > created)
        )
        return list(islice(dates, self._max_weeks))
