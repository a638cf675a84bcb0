"""Weekly occurrences in a local time zone, as aware UTC instants.

Rule for daylight-saving transitions (documented for organisers too): the session happens at
the same *wall-clock* time every week. On the day a zone springs forward, a time inside the gap
does not exist and the session moves forward by the length of the gap (02:30 becomes 03:30 when
clocks jump from 02:00 to 03:00). On the day it falls back, a time that occurs twice means the
*first* of the two (``fold=0``, i.e. still on summer time). Python's zoneinfo applies exactly
this rule when a local time with ``fold=0`` is converted to UTC.

Each occurrence is identified by its *original* UTC start (``key``), like iCalendar's
RECURRENCE-ID, so RSVPs and Discord objects keep pointing at it after a move.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local ``day`` ``at`` in ``zone`` under the gap/fold rule above."""
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def local_time_exists(day: date, at: time, zone: ZoneInfo) -> bool:
    """False when the wall-clock time falls in a spring-forward gap."""
    utc = local_to_utc(day, at, zone)
    back = utc.astimezone(zone)
    return back.date() == day and back.time() == at.replace(tzinfo=None, fold=0)


@dataclass(frozen=True)
class WeeklySchedule:
    """A weekly meeting: ``weekday`` (0 = Monday) at ``at`` local time in ``zone``.

    ``starts``/``ends`` bound the *local dates* of occurrences (inclusive). ``skips`` are local
    dates without a session; ``moves`` map an occurrence's local date to a new local date and
    time.
    """

    weekday: int
    at: time
    zone: str
    starts: date | None = None
    ends: date | None = None
    skips: frozenset[date] = frozenset()
    moves: Mapping[date, tuple[date, time]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0..6")
        object.__setattr__(self, "skips", frozenset(self.skips))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def is_occurrence_date(self, day: date) -> bool:
        """True when the regular pattern has a session on ``day`` (ignoring skips and moves)."""
        return (
            day.weekday() == self.weekday
            and (self.starts is None or day >= self.starts)
            and (self.ends is None or day <= self.ends)
        )


@dataclass(frozen=True, order=True)
class Occurrence:
    """One session. ``start`` is when it happens; ``key`` is when it was originally due."""

    start: datetime
    key: datetime
    local_date: date  # the regular (original) local date; what users name in skip/move
    moved: bool = False

    def local_start(self, zone: str | ZoneInfo) -> datetime:
        tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        return self.start.astimezone(tz)


def _first_date_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def regular_dates(schedule: WeeklySchedule, from_day: date) -> Iterator[date]:
    """Regular local dates on or after ``from_day`` (skips and moves not applied)."""
    day = from_day if schedule.starts is None else max(from_day, schedule.starts)
    day = _first_date_on_or_after(day, schedule.weekday)
    while schedule.ends is None or day <= schedule.ends:
        yield day
        try:
            day += WEEK
        except OverflowError:
            return


def occurrence_on(schedule: WeeklySchedule, day: date) -> Occurrence | None:
    """The occurrence whose regular local date is ``day`` (moved or not), None if skipped/none."""
    if not schedule.is_occurrence_date(day) or day in schedule.skips:
        return None
    tz = schedule.tz
    key = local_to_utc(day, schedule.at, tz)
    if day in schedule.moves:
        new_day, new_time = schedule.moves[day]
        return Occurrence(local_to_utc(new_day, new_time, tz), key, day, moved=True)
    return Occurrence(key, key, day)


def next_occurrences(schedule: WeeklySchedule, after: datetime, count: int) -> list[Occurrence]:
    """The first ``count`` occurrences starting strictly after ``after``, in start order."""
    if count <= 0:
        return []
    tz = schedule.tz
    # A week's slack: local dates lag UTC by up to a day, and the regular date matters.
    from_day = (after.astimezone(tz) - timedelta(days=1)).date()
    found: list[Occurrence] = []
    for day in regular_dates(schedule, from_day):
        if day in schedule.skips or day in schedule.moves:
            continue
        start = local_to_utc(day, schedule.at, tz)
        if start > after:
            found.append(Occurrence(start, start, day))
            if len(found) == count:
                break
    for day in schedule.moves:
        occurrence = occurrence_on(schedule, day)
        if occurrence is not None and occurrence.start > after:
            found.append(occurrence)
    found.sort()
    return found[:count]
