"""iCalendar (.ics) export of a weekly schedule.

One recurring VEVENT (``DTSTART;TZID=...`` + ``RRULE:FREQ=WEEKLY;BYDAY=..`` with ``UNTIL`` when
the schedule ends), ``EXDATE`` for skipped dates and an override VEVENT with ``RECURRENCE-ID``
for each moved session, plus a generated VTIMEZONE. RFC 5545 resolves non-existent and
ambiguous local times exactly as :mod:`bot.scheduling.recurrence` does (offset before the gap;
first of two), so calendar apps show the same instants as the bot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from bot.scheduling.recurrence import local_to_utc, regular_dates
from bot.scheduling.sessions.values import ScheduleInfo

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRODID = "-//Study Circle//Reading group sessions//EN"


@dataclass(frozen=True)
class EventDetails:
    """What a calendar app shows for a session: the week's reading, where to meet, a link."""

    summary: str
    description: str | None = None
    location: str | None = None
    url: str | None = None


def _describe(event: Event, details: EventDetails | None, default_summary: str) -> None:
    event.add("summary", (details.summary if details else default_summary)[:200])
    if details is None:
        return
    if details.description:
        event.add("description", details.description)
    if details.location:
        event.add("location", details.location)
    if details.url:
        event.add("url", details.url)


def schedule_uid(info: ScheduleInfo) -> str:
    """Stable across exports, so re-importing updates instead of duplicating."""
    return f"session-{info.guild_id}-{info.id}@study-circle"


def schedule_to_ics(
    info: ScheduleInfo,
    *,
    title: str = "Reading group",
    since: date | None = None,
    stamp: datetime | None = None,
    details: Mapping[date, EventDetails] | None = None,
    default: EventDetails | None = None,
) -> bytes:
    """The schedule as .ics bytes (CRLF line ends, folded lines).

    ``details`` (by a session's regular local date) gives single sessions their own summary,
    description, location and link (each becomes an override of the recurring event);
    ``default`` describes every other session.
    """
    details = details or {}
    tz = ZoneInfo(info.zone)
    recurrence = info.recurrence()
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if since is None:
        since = info.starts or (info.created_at or stamp).astimezone(tz).date()
    created = info.created_at if info.starts is None else None
    # A session whose time had already passed when the schedule was made never happens
    # (scheduling Thursdays 19:00 on a Thursday evening starts next week), so it is not exported.
    first_day = next(
        (
            day
            for day in regular_dates(recurrence, since)
            if created is None or local_to_utc(day, info.at, tz) > created
        ),
        None,
    )

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title[:200])
    if first_day is None:
        return cal.to_ical()

    def local(day: date, at: time | None = None) -> datetime:
        return datetime.combine(day, info.at if at is None else at, tzinfo=tz)

    master = Event()
    master.add("uid", schedule_uid(info))
    master.add("dtstamp", stamp)
    _describe(master, default, title)
    master.add("dtstart", local(first_day))
    master.add("duration", info.duration)
    rule: dict[str, object] = {"freq": "weekly", "byday": BYDAY[info.weekday]}
    if info.ends is not None:
        last = list(regular_dates(recurrence, info.ends - timedelta(days=6)))
        if last:
            rule["until"] = local_to_utc(last[-1], info.at, tz)
    master.add("rrule", vRecur(rule))
    skipped = [local(d) for d in sorted(info.skips) if recurrence.is_occurrence_date(d)]
    if skipped:
        master.add("exdate", skipped)
    cal.add_component(master)

    for day in sorted(set(info.moves) | set(details)):
        if day in info.skips or day < first_day or not recurrence.is_occurrence_date(day):
            continue
        new_day, new_time = info.moves.get(day, (day, info.at))
        override = Event()
        override.add("uid", schedule_uid(info))
        override.add("dtstamp", stamp)
        override.add("recurrence-id", local(day))
        _describe(override, details.get(day, default), title)
        override.add("dtstart", local(new_day, new_time))
        override.add("duration", info.duration)
        cal.add_component(override)

    horizon_end = info.ends or (first_day + timedelta(days=366 * 5))
    cal.add_missing_timezones(
        first_date=first_day - timedelta(days=1), last_date=horizon_end + timedelta(days=1)
    )
    return cal.to_ical()


def empty_calendar(title: str) -> bytes:
    """A valid calendar with no sessions (a subscribed feed while nothing is scheduled)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title[:200])
    return cal.to_ical()
