"""Sessions, reminders and the timer core (no Discord imports).

Wiring, in the bot's ``setup_hook`` (the cogs supply the handlers)::

    timers = TimerService(session_factory)
    sessions = SessionService(session_factory, timers)
    reminders = ReminderService(session_factory, timers)
    dispatcher = TimerDispatcher(
        session_factory,
        timers=timers,                      # so new/cancelled rows wake it
        handlers={SESSION_ANNOUNCE: ..., SESSION_REMINDER: ..., SESSION_START: ...,
                  SESSION_READING: ..., PERSONAL_REMINDER: ...},
        shard_filter=lambda guild_id: (guild_id >> 22) % shard_count in shard_ids,  # or None
        on_missed=tell_organisers,          # async (list[TimerRecord]) -> None
    )
    await dispatcher.start()
    await sessions.sync_all()               # roll every server's timer horizon forward
    ...
    await dispatcher.stop()                 # in close()

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
