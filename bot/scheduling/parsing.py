"""Turn what organisers and members type into weekdays, times, zones, durations and instants.

Every function raises :class:`bot.errors.UserError` (and nothing else) for bad input, with a
message that says which formats work.
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.durations import DURATION_HELP, format_duration, parse_duration
from bot.errors import UserError
from bot.scheduling.recurrence import local_to_utc
from bot.text import clean_input, echo
from bot.timezones import resolve_zone, zone_choices

log = logging.getLogger(__name__)

__all__ = [
    "format_duration",
    "parse_date",
    "parse_duration",
    "parse_offsets",
    "parse_time",
    "parse_weekday",
    "parse_when",
    "parse_zone",
    "zone_choices",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_AHEAD = timedelta(days=366)

WEEKDAY_HELP = "Use a weekday such as `monday`, `Mon` or `wed`."
TIME_HELP = "Use a time such as `19:00`, `7pm` or `7:30 pm`."
DATE_HELP = "Use a date such as `2026-12-03`."
WHEN_HELP = (
    "Try `in 2 days`, `in 90 minutes`, `friday 18:00`, `tomorrow 9am` or `2026-12-03 18:00`."
)


def parse_weekday(text: str) -> int:
    """0 (Monday) .. 6 (Sunday) from a full name or an unambiguous prefix of 2+ letters."""
    cleaned = clean_input(text, "a weekday").casefold().rstrip(".")
    if len(cleaned) >= 2:
        matches = [i for i, name in enumerate(WEEKDAYS) if name.startswith(cleaned)]
        if len(matches) == 1:
            return matches[0]
    raise UserError(f"`{echo(text)}` is not a weekday. {WEEKDAY_HELP}")


_TIME_24 = re.compile(r"^(\d{1,2})(?::|\.|h)(\d{2})$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:(?::|\.)(\d{2}))?\s*([ap])\.?\s*m\.?$")


def parse_time(text: str) -> time:
    """A wall-clock time: ``19:00``, ``19.00``, ``7pm``, ``7:30 pm``, ``noon``, ``midnight``."""
    cleaned = clean_input(text, "a time").casefold()
    if cleaned == "noon":
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    if match := _TIME_24.match(cleaned):
        hour, minute = int(match[1]), int(match[2])
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    elif match := _TIME_12.match(cleaned):
        hour, minute = int(match[1]), int(match[2] or 0)
        if 1 <= hour <= 12 and minute <= 59:
            hour = hour % 12 + (12 if match[3] == "p" else 0)
            return time(hour, minute)
    raise UserError(f"`{echo(text)}` is not a time I understand. {TIME_HELP}")


def parse_zone(text: str) -> ZoneInfo:
    """An IANA zone such as ``Europe/London``; near misses get suggestions."""
    return resolve_zone(clean_input(text, "a time zone"))


def parse_offsets(text: str, *, limit: int = 5) -> list[timedelta]:
    """A comma-separated list of durations such as ``24h,1h``: distinct, longest first."""
    cleaned = clean_input(text, "reminder offsets")
    pieces = [p for p in cleaned.split(",") if p.strip()]
    if not pieces:
        raise UserError(f"Give offsets such as `24h,1h`. {DURATION_HELP}")
    if len(pieces) > limit:
        raise UserError(f"At most {limit} reminder offsets, please.")
    # Timers exist for the next two sessions only, so an offset must stay under two weeks.
    offsets = {parse_duration(p, maximum=timedelta(days=13)) for p in pieces}
    return sorted(offsets, reverse=True)


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> date:
    """An ISO date ``YYYY-MM-DD``."""
    cleaned = clean_input(text, "a date")
    if match := _ISO_DATE.match(cleaned):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise UserError(f"`{echo(text)}` is not a date I understand. {DATE_HELP}")


_IN = re.compile(r"^in\s+(.+)$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s+|t)(.+)$")
_DAY_AND_TIME = re.compile(r"^(today|tonight|tomorrow|[a-z]+)(?:\s+at)?\s+(.+)$")


def parse_when(
    text: str, *, now: datetime, zone: ZoneInfo | str, max_ahead: timedelta = MAX_AHEAD
) -> datetime:
    """A future instant (aware UTC) from a personal-reminder phrase, relative to ``now``.

    Handles ``in 2 days``/``in 90 minutes`` exactly, ``friday 18:00``/``tomorrow 9am`` and ISO
    ``2026-12-03 18:00`` in ``zone`` (same DST rule as sessions), and anything else
    ``dateparser`` understands (``dec 25 7pm``), preferring future dates.
    """
    tz = zone if isinstance(zone, ZoneInfo) else parse_zone(zone)
    cleaned = clean_input(text, "a time").casefold()
    try:
        when = _parse_when_structured(cleaned, now, tz)
    except (OverflowError, ValueError):  # e.g. year 9999 in a zone east of UTC
        when = None
    if when is None:
        when = _parse_with_dateparser(cleaned, now, tz)
    if when is None:
        raise UserError(f"I could not read `{echo(text)}` as a time. {WHEN_HELP}")
    if when <= now:
        raise UserError(f"`{echo(text)}` is in the past. {WHEN_HELP}")
    if when - now > max_ahead:
        raise UserError(f"That is too far ahead: at most {max_ahead.days} days from now.")
    return when


def _parse_when_structured(cleaned: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    if match := _IN.match(cleaned):
        try:
            return now + parse_duration(match[1], maximum=timedelta(days=3660))
        except UserError:
            return None  # "in 3 months" and the like: dateparser knows calendar units
    if match := _ISO_DATETIME.match(cleaned):
        return local_to_utc(parse_date(match[1]), parse_time(match[2]), tz)
    if _ISO_DATE.match(cleaned):
        return local_to_utc(parse_date(cleaned), time(9, 0), tz)
    if match := _DAY_AND_TIME.match(cleaned):
        day_word, time_text = match[1], match[2]
        today = now.astimezone(tz).date()
        try:
            at = parse_time(time_text)
        except UserError:
            return None
        if day_word in ("today", "tonight"):
            return local_to_utc(today, at, tz)
        if day_word == "tomorrow":
            return local_to_utc(today + timedelta(days=1), at, tz)
        try:
            weekday = parse_weekday(day_word)
        except UserError:
            return None
        # The next such weekday whose time is still ahead (today counts if not yet passed).
        for ahead in range(8):
            day = today + timedelta(days=ahead)
            if day.weekday() == weekday and (when := local_to_utc(day, at, tz)) > now:
                return when
    return None


def _parse_with_dateparser(cleaned: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    import dateparser  # slow to import; only needed for free-form phrases

    local_now = now.astimezone(tz).replace(tzinfo=None)
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": local_now,
        "TIMEZONE": tz.key,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; all mean "unreadable"
        log.debug("dateparser failed on %r", cleaned, exc_info=True)
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
