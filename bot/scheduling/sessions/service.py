"""The one object the cogs and the Discord layer use for sessions (``bot.services.sessions``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduling.clock import Clock, utc_now
from bot.scheduling.sessions.attendance import AttendanceBook
from bot.scheduling.sessions.links import LinkBook
from bot.scheduling.sessions.lookup import SessionLookup
from bot.scheduling.sessions.preferences import ReminderPreferences
from bot.scheduling.sessions.rsvps import Rsvps
from bot.scheduling.sessions.schedule import ScheduleEditor
from bot.scheduling.sessions.timer_sync import SessionTimers
from bot.scheduling.timers import TimerService


class SessionService:
    """Everything the session and reminder cogs need, without Discord.

    A façade: each name below is a method of the part that owns it, so callers need one
    object while each part stays small. ``horizon`` is how many coming sessions have timers.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: TimerService,
        clock: Clock = utc_now,
        *,
        horizon: int = 2,
    ) -> None:
        session_timers = SessionTimers(session_factory, timers, clock, horizon)
        lookup = SessionLookup(session_factory, clock)
        editor = ScheduleEditor(session_factory, session_timers, clock, on_change=lookup.forget)
        rsvps = Rsvps(session_factory, clock)
        preferences = ReminderPreferences(session_factory, session_timers, rsvps, clock)
        book = LinkBook(session_factory)

        # Reading the schedule (lookup.py)
        self.current = lookup.current
        self.first_scheduled_at = lookup.first_scheduled_at
        self.list = lookup.upcoming
        self.next = lookup.next
        self.find = lookup.find
        self.occurrence_for_timer = lookup.occurrence_for_timer
        self.calendar = lookup.calendar
        self.uncached = lookup.uncached
        # Changing it (schedule.py)
        self.schedule = editor.schedule
        self.configure = editor.configure
        self.skip = editor.skip
        self.move = editor.move
        self.cancel = editor.cancel
        self.replacement_losses = editor.replacement_losses
        self.cancel_losses = editor.cancel_losses
        # Answers and attendance (rsvps.py)
        self.rsvp = rsvps.rsvp
        self.rsvps = rsvps.rsvps
        self.record_attendance = rsvps.record_attendance
        self.attendance = rsvps.attendance
        attendance = AttendanceBook(session_factory, clock)
        self.started = attendance.started
        self.default_present = attendance.default_present
        self.set_present = attendance.set_present
        self.tallies = attendance.tallies
        # Discord objects made for each session (links.py)
        self.link = book.link
        self.links = book.links
        # Reminder preferences (preferences.py)
        self.reminder_settings = preferences.reminder_settings
        self.set_reminder_settings = preferences.set_reminder_settings
        self.opt_in = preferences.opt_in
        self.opt_out = preferences.opt_out
        self.opted_in = preferences.opted_in
        self.recipients_for_reminder = preferences.recipients_for_reminder
        self.nudge_targets = preferences.nudge_targets
        # The rolling timer horizon (timer_sync.py)
        self.after_timer = session_timers.after_timer
        self.sync_all = session_timers.sync_all
