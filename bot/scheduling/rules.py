"""Repeating-reminder rules as members type them, and when they next fall (no Discord).

Accepted (a leading ``every`` is optional; the time defaults to 09:00)::

    monday 09:00            mon, thu 18:00         weekday 18:30       weekend 10am
    day 08:00 / daily 8am   every 3 days 07:30     every 2 weeks on thursday 19:00
    1st of the month        15th of each month 18:00   last day of the month
    every 3 months on the 1st 10:00

A rule is a wall-clock time on some local dates in one zone, so across a DST change it keeps
its local time and moves in UTC, under the same gap/fold rule as sessions
(:func:`bot.scheduling.recurrence.local_to_utc`): a time in a spring-forward gap moves forward
by the gap, a time that occurs twice means the first. A day of the month past a month's end
(the 31st in April) falls on that month's last day, so the reminder never silently skips a
month. Intervals count from the ``anchor`` date (the day the rule was made): "every 2 weeks"
means the anchor's week, then every second week after it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.scheduling.parsing import WEEKDAYS, parse_time, parse_weekday
from bot.scheduling.recurrence import local_to_utc
from bot.text import clean_input, echo

Unit = Literal["day", "week", "month"]
LAST_DAY = -1
DEFAULT_TIME = time(9, 0)
MAX_INTERVAL: dict[Unit, int] = {"day": 365, "week": 52, "month": 12}
SEARCH_DAYS = 400 * 12  # more than a year of the longest interval: a rule always falls in it
RULE_HELP = (
    "Try `monday 09:00`, `weekday 18:30`, `1st of the month`, `every 2 weeks on thursday 19:00` "
    "or `every 3 days 8am`."
)

_TIME = r"(?:\d{1,2}(?::|\.|h)\d{2}|\d{1,2}(?:(?::|\.)\d{2})?\s*[ap]\.?\s*m\.?|noon|midnight)"
_TRAILING_TIME = re.compile(rf"^(.*?)(?:\s*,)?(?:\s+at)?\s*\b({_TIME})$")
_INTERVAL = re.compile(r"^(\d{1,3}|other)\s+(day|week|month)s?\b\s*(?:on\s+)?(.*)$")
_MONTH_DAY = re.compile(
    r"^(?:on\s+)?(?:the\s+)?(?:(\d{1,2})(?:st|nd|rd|th)?|(last))(?:\s+day)?"
    r"(?:\s+of\s+(?:the|each|every|a)\s+month)?$"
)
_OF_MONTH = re.compile(r"\bof\s+(?:the|each|every|a)\s+month$")
_DAY_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\s)\s*")
_ALL_DAYS = tuple(range(7))


@dataclass(frozen=True)
class Rule:
    """When a repeating reminder falls, in local terms.

    ``unit`` ``week``: on ``weekdays`` of every ``interval``-th week; ``day``: every
    ``interval``-th day; ``month``: on ``month_day`` (1-31, or ``LAST_DAY``) of every
    ``interval``-th month. Always at ``at`` local time.
    """

    unit: Unit
    interval: int
    at: time
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None

    def falls_on(self, day: date, anchor: date) -> bool:
        """Whether the rule has a reminder on local ``day`` (counting intervals from
        ``anchor``; nothing falls before it)."""
        if day < anchor:
            return False
        if self.unit == "day":
            return (day - anchor).days % self.interval == 0
        if self.unit == "week":
            weeks = (_monday(day) - _monday(anchor)).days // 7
            return day.weekday() in self.weekdays and weeks % self.interval == 0
        months = (day.year - anchor.year) * 12 + day.month - anchor.month
        return months % self.interval == 0 and day.day == self._day_in(day.year, day.month)

    def _day_in(self, year: int, month: int) -> int:
        last = calendar.monthrange(year, month)[1]
        wanted = self.month_day if self.month_day is not None else 1
        return last if wanted == LAST_DAY else min(wanted, last)

    def describe(self) -> str:
        """``every Monday at 09:00``, ``every 2 weeks on Thursday at 19:00``, …"""
        at = f"at {self.at:%H:%M}"
        if self.unit == "day":
            return f"every day {at}" if self.interval == 1 else f"every {self.interval} days {at}"
        if self.unit == "month":
            day = "last day" if self.month_day == LAST_DAY else _ordinal(self.month_day or 1)
            every = "every month" if self.interval == 1 else f"every {self.interval} months"
            return f"on the {day} of {every} {at}"
        days = _days_text(self.weekdays)
        if self.interval == 1:
            return f"every {days} {at}"
        return f"every {self.interval} weeks on {days} {at}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _days_text(weekdays: tuple[int, ...]) -> str:
    if weekdays == _ALL_DAYS:
        return "day"
    if weekdays == (0, 1, 2, 3, 4):
        return "weekday"
    if weekdays == (5, 6):
        return "weekend day"
    names = [WEEKDAYS[d].capitalize() for d in weekdays]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def parse_rule(text: str) -> Rule:
    """A :class:`Rule` from what a member typed; a UserError that shows examples otherwise."""
    cleaned = " ".join(clean_input(text, "a rule").casefold().split())
    try:
        return _parse(cleaned.removeprefix("every ").strip())
    except UserError as error:
        raise UserError(f"`{echo(text)}`: {error.message} {RULE_HELP}") from None


def _parse(cleaned: str) -> Rule:
    at = DEFAULT_TIME
    if match := _TRAILING_TIME.match(cleaned):
        cleaned, at = match[1].strip(), parse_time(match[2])
    unit: Unit | None = None
    interval = 1
    if match := _INTERVAL.match(cleaned):
        interval = 2 if match[1] == "other" else int(match[1])
        unit = "day" if match[2] == "day" else "week" if match[2] == "week" else "month"
        cleaned = match[3].strip()
        if not 1 <= interval <= MAX_INTERVAL[unit]:
            raise UserError(f"repeat at most every {MAX_INTERVAL[unit]} {unit}s.")
    if unit == "month" or _OF_MONTH.search(cleaned) or (cleaned and _MONTH_DAY.match(cleaned)):
        if unit not in (None, "month"):
            raise UserError("a day of the month goes with months, not weeks or days.")
        return Rule("month", interval, at, month_day=_month_day(cleaned))
    if unit == "day":
        if cleaned:
            raise UserError("`every N days` takes only a time.")
        if interval == 1:
            return Rule("week", 1, at, _ALL_DAYS)
        return Rule("day", interval, at)
    weekdays = _weekdays(cleaned)
    return Rule("week", interval, at, weekdays)


def _month_day(text: str) -> int:
    match = _MONTH_DAY.match(text or "1st")
    if match is None:
        raise UserError("name the day of the month as `1st`, `15th` or `last day`.")
    if match[2]:
        return LAST_DAY
    day = int(match[1])
    if not 1 <= day <= 31:
        raise UserError("a month has days 1 to 31.")
    return day


def _weekdays(text: str) -> tuple[int, ...]:
    if text in ("", "day", "days", "daily"):
        if text == "":
            raise UserError("say which days, e.g. `monday` or `weekday`.")
        return _ALL_DAYS
    if text in ("weekday", "weekdays", "workday", "workdays"):
        return (0, 1, 2, 3, 4)
    if text in ("weekend", "weekends"):
        return (5, 6)
    days: set[int] = set()
    for word in _DAY_SPLIT.split(text):
        if word:
            days.add(parse_weekday(word.removesuffix("s") if len(word) > 3 else word))
    if not days:
        raise UserError("say which days, e.g. `monday` or `weekday`.")
    return tuple(sorted(days))


# -- when it falls ---------------------------------------------------------------------------


def _days_from(day: date) -> Iterator[date]:
    for ahead in range(SEARCH_DAYS):
        try:
            yield day + timedelta(days=ahead)
        except OverflowError:
            return


def next_after(
    rule: Rule, zone: ZoneInfo, anchor: date, after: datetime, *, until: date | None = None
) -> datetime | None:
    """The first instant strictly after ``after`` (aware) when the rule falls, or None when
    none is left (past ``until``, a local date, inclusive)."""
    start = max(anchor, (after.astimezone(zone) - timedelta(days=1)).date())
    for day in _days_from(start):
        if until is not None and day > until:
            return None
        if rule.falls_on(day, anchor):
            when = local_to_utc(day, rule.at, zone)
            if when > after:
                return when
    return None


def upcoming(
    rule: Rule,
    zone: ZoneInfo,
    anchor: date,
    after: datetime,
    count: int,
    *,
    until: date | None = None,
) -> list[datetime]:
    """The next ``count`` instants after ``after`` (fewer when the rule ends first)."""
    found: list[datetime] = []
    moment = after
    while len(found) < count:
        when = next_after(rule, zone, anchor, moment, until=until)
        if when is None:
            break
        found.append(when)
        moment = when
    return found
