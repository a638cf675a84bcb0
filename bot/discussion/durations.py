"""How long polls stay open: ``30m``, ``2h``, ``3d`` or ``1d 12h`` (read by :mod:`bot.durations`)."""

from __future__ import annotations

from datetime import timedelta

from bot.durations import parse_duration

MIN_POLL_DURATION = timedelta(minutes=1)
MAX_POLL_DURATION = timedelta(days=32)
DEFAULT_POLL_DURATION = timedelta(days=1)


def parse_poll_duration(
    text: str | None,
    *,
    default: timedelta = DEFAULT_POLL_DURATION,
    minimum: timedelta = MIN_POLL_DURATION,
    maximum: timedelta = MAX_POLL_DURATION,
) -> timedelta:
    """``text`` as a poll's duration within ``minimum..maximum``; empty means ``default``.

    A bare number is refused: "5" could mean minutes, hours or days, and guessing wrong would
    close a poll days early or late.
    """
    return parse_duration(
        text, minimum=minimum, maximum=maximum, default=default, bare_minutes=False
    )
