"""Parsing of poll durations such as ``30m``, ``2h``, ``3d`` or ``1d 12h``."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import UserError

MIN_POLL_DURATION = timedelta(minutes=1)
MAX_POLL_DURATION = timedelta(days=32)
DEFAULT_POLL_DURATION = timedelta(days=1)

_UNITS: dict[str, timedelta] = {}
for _names, _unit in (
    (("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    (("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    (("d", "day", "days"), timedelta(days=1)),
    (("w", "wk", "wks", "week", "weeks"), timedelta(weeks=1)),
):
    for _name in _names:
        _UNITS[_name] = _unit

_PART = re.compile(r"(\d{1,6})\s*([a-z]+)")
_FILLER = re.compile(r"[\s,]+|and")

_HINT = "Give a duration like `30m`, `2h`, `3d` or `1d 12h`"


def parse_duration(
    text: str | None,
    *,
    default: timedelta = DEFAULT_POLL_DURATION,
    minimum: timedelta = MIN_POLL_DURATION,
    maximum: timedelta = MAX_POLL_DURATION,
) -> timedelta:
    """Parse ``text`` into a duration within ``minimum..maximum``; empty means ``default``."""
    raw = (text or "").strip().lower()
    if not raw:
        return default
    total = timedelta()
    position = 0
    matched = False
    while position < len(raw):
        if filler := _FILLER.match(raw, position):
            position = filler.end()
            continue
        part = _PART.match(raw, position)
        if part is None or part.group(2) not in _UNITS:
            raise UserError(f"I can't read the duration {text!r}. {_HINT}.")
        total += int(part.group(1)) * _UNITS[part.group(2)]
        position = part.end()
        matched = True
    if not matched:
        raise UserError(f"I can't read the duration {text!r}. {_HINT}.")
    if total < minimum or total > maximum:
        raise UserError(
            f"The duration must be between {describe(minimum)} and {describe(maximum)}."
        )
    return total


def describe(duration: timedelta) -> str:
    """A short human form: ``1 minute``, ``2 hours``, ``32 days``, ``1 day 6 hours``."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{value} {unit}{'' if value == 1 else 's'}"
        for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if value
    ]
    return " ".join(parts) or "0 minutes"
