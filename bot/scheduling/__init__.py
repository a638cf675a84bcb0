"""Sessions, reminders and the timer core (no Discord imports).

* :mod:`~.timers` — durable timer rows and the dispatcher that fires them (the rules live in
  its docstring). The bot builds one :class:`TimerService` and one :class:`TimerDispatcher`
  (:mod:`bot.client`); each cog registers handlers for its timer kinds in ``cog_load``.
* :mod:`~.sessions` — the weekly schedule, RSVPs, reminder preferences and the session timers
  on a rolling horizon, behind :class:`SessionService`.
* :mod:`~.reminders` — members' own ``/remind me`` reminders.
* :mod:`~.recurrence` (weekly occurrences across DST), :mod:`~.parsing` (dates, times, zones
  and durations as members type them), :mod:`~.syllabus` (reading weeks follow the sessions),
  :mod:`~.clock` (clocks and sleepers).

Tests drive time with :class:`~bot.scheduling.clock.FakeClock`: pass ``clock=fake`` to the
services and ``clock=fake, sleep_until=fake.sleep_until`` to the dispatcher, then
``fake.advance(...)`` and ``await dispatcher.settle()``.
"""

from bot.scheduling.clock import FakeClock, real_sleep_until, utc_now
from bot.scheduling.reminders import PERSONAL_REMINDER, PersonalReminder, ReminderService
from bot.scheduling.sessions import (
    SESSION_ANNOUNCE,
    SESSION_KINDS,
    SESSION_READING,
    SESSION_REMINDER,
    SESSION_START,
    ReminderConfig,
    RsvpCounts,
    ScheduleInfo,
    SessionOccurrence,
    SessionService,
    parse_token,
)
from bot.scheduling.timers import TimerDispatcher, TimerRecord, TimerService

__all__ = [
    "PERSONAL_REMINDER",
    "SESSION_ANNOUNCE",
    "SESSION_KINDS",
    "SESSION_READING",
    "SESSION_REMINDER",
    "SESSION_START",
    "FakeClock",
    "PersonalReminder",
    "ReminderConfig",
    "ReminderService",
    "RsvpCounts",
    "ScheduleInfo",
    "SessionOccurrence",
    "SessionService",
    "TimerDispatcher",
    "TimerRecord",
    "TimerService",
    "parse_token",
    "real_sleep_until",
    "utc_now",
]
