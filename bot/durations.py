"""Durations as members type them (``90m``, ``1h30m``, ``2 hours``, ``1d 12h``) and as messages
show them. Sessions, reminders and polls all read durations here, each with its own bounds.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import UserError
from bot.text import clean_input, echo

DURATION_HELP = "Use a duration such as `30m`, `1h30m`, `2 hours` or `1d 12h`."

_UNITS: dict[str, int] = {}
for _names, _seconds in (
    (("m", "min", "mins", "minute", "minutes"), 60),
    (("h", "hr", "hrs", "hour", "hours"), 3600),
    (("d", "day", "days"), 86400),
    (("w", "wk", "wks", "week", "weeks"), 7 * 86400),
):
    _UNITS.update(dict.fromkeys(_names, _seconds))
_PART = re.compile(r"(\d{1,6})\s*([a-z]+)")


def parse_duration(
    text: str | None,
    *,
    minimum: timedelta = timedelta(minutes=1),
    maximum: timedelta = timedelta(days=366),
    default: timedelta | None = None,
    bare_minutes: bool = True,
) -> timedelta:
    """``90m``, ``1h30m``, ``1h 30m``, ``2 hours``, ``1 hour and 30 minutes``, ``3d``, ``1 week``.

    A bare number is minutes when ``bare_minutes`` (else refused). Empty input is ``default``,
    or refused when there is none. The result lies within ``minimum..maximum``.
    """
    if default is not None and (text is None or not text.strip()):
        return default
    typed = clean_input(text, "a duration")
    cleaned = typed.casefold().replace(",", " ").replace(" and ", " ")
    # isdigit() alone accepts "²", which int() refuses.
    if bare_minutes and cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 6:
        seconds = int(cleaned) * 60
    else:
        parts = _PART.findall(cleaned)
        leftover = _PART.sub("", cleaned).strip()
        if not parts or leftover or any(unit not in _UNITS for _, unit in parts):
            raise UserError(f"`{echo(typed)}` is not a duration I understand. {DURATION_HELP}")
        seconds = sum(int(n) * _UNITS[unit] for n, unit in parts)
    duration = timedelta(seconds=seconds)
    if not minimum <= duration <= maximum:
        size = "short" if duration < minimum else "long"
        raise UserError(
            f"That is too {size}: give a duration between {describe_duration(minimum)} "
            f"and {describe_duration(maximum)}."
        )
    return duration


def _days_hours_minutes(value: timedelta) -> tuple[int, int, int]:
    days, minutes = divmod(int(value.total_seconds() // 60), 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return days, hours, minutes


def format_duration(value: timedelta) -> str:
    """Compact, for lists and headers: ``1d 2h 30m``."""
    parts = [f"{n}{u}" for n, u in zip(_days_hours_minutes(value), "dhm", strict=True) if n]
    return " ".join(parts) or "0m"


def describe_duration(value: timedelta) -> str:
    """In words, for sentences: ``1 minute``, ``2 hours``, ``32 days``, ``1 day 6 hours``."""
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in zip(_days_hours_minutes(value), ("day", "hour", "minute"), strict=True)
        if n
    ]
    return " ".join(parts) or "0 minutes"
