"""Weekly sessions: the schedule, skips and moves, RSVPs, reminder settings and their timers.

:class:`SessionService` is the façade the rest of the bot uses; behind it:

* :mod:`~.values` — the value types (:class:`ScheduleInfo`, :class:`SessionOccurrence`, ...).
* :mod:`~.queries` — reading the session tables into those types.
* :mod:`~.lookup` / :mod:`~.schedule` — reading / changing the schedule.
* :mod:`~.rsvps`, :mod:`~.links`, :mod:`~.preferences` — answers and attendance, the Discord
  ids made per session, reminder settings and opt-ins.
* :mod:`~.timer_plan` (pure) and :mod:`~.timer_sync` — which timers the schedule wants, and
  making the timer rows match.
* :mod:`~.replacement` — what replacing or cancelling the schedule keeps and drops.
* :mod:`~.calendar` — the .ics export.
"""

from bot.scheduling.sessions.replacement import Losses
from bot.scheduling.sessions.service import SessionService
from bot.scheduling.sessions.timer_plan import (
    SESSION_ANNOUNCE,
    SESSION_KINDS,
    SESSION_READING,
    SESSION_REMINDER,
    SESSION_START,
)
from bot.scheduling.sessions.values import (
    DEFAULT_OFFSETS,
    NO_SCHEDULE,
    WEEKDAY_NAMES,
    OccurrenceLinks,
    ReminderConfig,
    RsvpCounts,
    ScheduleInfo,
    SessionOccurrence,
    parse_token,
)

__all__ = [
    "DEFAULT_OFFSETS",
    "NO_SCHEDULE",
    "SESSION_ANNOUNCE",
    "SESSION_KINDS",
    "SESSION_READING",
    "SESSION_REMINDER",
    "SESSION_START",
    "WEEKDAY_NAMES",
    "Losses",
    "OccurrenceLinks",
    "ReminderConfig",
    "RsvpCounts",
    "ScheduleInfo",
    "SessionOccurrence",
    "SessionService",
    "parse_token",
]
