"""The session value types the rest of the code passes around, and their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.errors import UserError
from bot.scheduling.parsing import parse_zone
from bot.scheduling.recurrence import Occurrence, WeeklySchedule, occurrence_on

RSVP_STATUSES = ("going", "maybe", "cant")
DELIVERIES = ("role", "dm")
DEFAULT_DURATION = timedelta(minutes=90)
DEFAULT_ANNOUNCE_BEFORE = timedelta(days=3)
READING_POST_TIME = time(9, 0)
DEFAULT_OFFSETS = (timedelta(hours=24), timedelta(hours=1))
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NO_SCHEDULE = (
    "No weekly session is scheduled here yet. An organiser can set one up with `/session schedule`."
)


@dataclass(frozen=True)
class ScheduleInfo:
    """A server's weekly schedule, with its skips and moves."""

    id: int
    guild_id: int
    weekday: int
    at: time
    zone: str
    channel_id: int | None
    duration: timedelta
    starts: date | None
    ends: date | None
    announce_before: timedelta
    reading_weekday: int | None
    reading_time: time | None
    created_by: int | None
    active: bool = True
    created_at: datetime | None = None
    skips: frozenset[date] = frozenset()
    moves: dict[date, tuple[date, time]] = field(default_factory=dict)

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.weekday]

    def recurrence(self) -> WeeklySchedule:
        return WeeklySchedule(
            self.weekday, self.at, self.zone, self.starts, self.ends, self.skips, self.moves
        )

    def describe(self) -> str:
        """``Mondays at 19:00 (Europe/London)`` for messages."""
        return f"{self.weekday_name}s at {self.at:%H:%M} ({self.zone})"

    def occurrence_by_key(self, key: datetime) -> Occurrence | None:
        """The occurrence whose original start is ``key``; None if skipped or not one."""
        local_day = key.astimezone(parse_zone(self.zone)).date()
        # The key's local date is the regular date, except when a whole day was skipped by a zone.
        for day in (local_day, local_day - timedelta(days=1)):
            occurrence = occurrence_on(self.recurrence(), day)
            if occurrence is not None and occurrence.key == key:
                return occurrence
        return None


@dataclass(frozen=True)
class RsvpCounts:
    going: int = 0
    maybe: int = 0
    cant: int = 0


@dataclass(frozen=True)
class SessionOccurrence:
    """One session with its schedule and RSVP counts."""

    schedule: ScheduleInfo
    occurrence: Occurrence
    counts: RsvpCounts = RsvpCounts()

    @property
    def key(self) -> datetime:
        return self.occurrence.key

    @property
    def start(self) -> datetime:
        return self.occurrence.start

    @property
    def end(self) -> datetime:
        return self.occurrence.start + self.schedule.duration

    @property
    def local_start(self) -> datetime:
        return self.occurrence.local_start(self.schedule.zone)

    @property
    def token(self) -> str:
        """Compact id for buttons' custom_ids: ``<schedule id>:<key epoch seconds>``."""
        return f"{self.schedule.id}:{int(self.key.timestamp())}"


def parse_token(token: str) -> tuple[int, datetime]:
    """Inverse of :attr:`SessionOccurrence.token`."""
    try:
        schedule_part, key_part = token.split(":")
        return int(schedule_part), datetime.fromtimestamp(int(key_part), UTC)
    except (ValueError, OverflowError, OSError):
        raise UserError("That button belongs to a session I no longer know.") from None


@dataclass(frozen=True)
class ReminderConfig:
    """A server's session reminders: how long before, and by role ping or DM."""

    offsets: tuple[timedelta, ...] = DEFAULT_OFFSETS
    delivery: str = "dm"
    role_id: int | None = None
    nudge: bool = False


@dataclass(frozen=True)
class OccurrenceLinks:
    """The Discord objects made for one occurrence (None: not made, or withdrawn)."""

    event_id: int | None = None
    thread_id: int | None = None
    announcement_channel_id: int | None = None
    announcement_message_id: int | None = None
