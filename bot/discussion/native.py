"""Discord's native polls (``discord.Poll``): validation against Discord's limits.

The cog builds the ``discord.Poll`` from a :class:`NativePollSpec`; every limit broken gets a
:class:`UserError` that names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.discussion.durations import parse_poll_duration
from bot.discussion.text import clean_text
from bot.errors import UserError


@dataclass(frozen=True)
class NativePollSpec:
    question: str
    answers: tuple[str, ...]
    duration_hours: int
    multiple: bool


# Discord's limits for native polls (discord.Poll).
NATIVE_QUESTION_MAX = 300
NATIVE_ANSWER_MAX = 55
NATIVE_ANSWERS_MAX = 10
NATIVE_MIN_HOURS = 1
NATIVE_MAX_HOURS = 768  # 32 days


def validate_native_poll(
    question: str,
    answers: str | Sequence[str],
    duration_hours: int = 24,
    multiple: bool = False,
) -> NativePollSpec:
    """Check a Discord native poll against Discord's limits; errors name the broken limit.

    Limits: question 1..300 characters, 2..10 answers (Discord allows 1; one answer is no
    poll), each answer 1..55 characters, duration 1..768 hours (32 days) in whole hours.
    """
    cleaned_question = _native_text(question, "question", NATIVE_QUESTION_MAX)
    if isinstance(answers, str):
        raw = answers
        parts = raw.splitlines() if "\n" in raw.strip() else raw.split(";" if ";" in raw else ",")
    else:
        parts = list(answers)
    cleaned = [
        _native_text(part, f"answer {index}", NATIVE_ANSWER_MAX)
        for index, part in enumerate((p for p in parts if p and p.strip()), start=1)
    ]
    if len(cleaned) > NATIVE_ANSWERS_MAX:
        raise UserError(
            f"Discord's native polls allow at most {NATIVE_ANSWERS_MAX} answers "
            f"(you gave {len(cleaned)}). Use a bot-run poll (up to 25 options) instead."
        )
    if len(cleaned) < 2:
        raise UserError("A poll needs at least 2 answers.")
    if len({a.casefold() for a in cleaned}) != len(cleaned):
        raise UserError("Two answers are the same; each answer must differ.")
    # Exactly int: a bool is an int to Python, but True hours is no duration.
    if (
        type(duration_hours) is not int
        or not NATIVE_MIN_HOURS <= duration_hours <= NATIVE_MAX_HOURS
    ):
        raise UserError(
            f"Discord's native polls last {NATIVE_MIN_HOURS} hour to {NATIVE_MAX_HOURS} hours "
            "(32 days), in whole hours."
        )
    return NativePollSpec(cleaned_question, tuple(cleaned), duration_hours, multiple)


def native_duration_hours(text: str | None) -> int:
    """Parse a duration (``6h``, ``2d``; empty = 24 h) for a native poll, in whole hours."""
    duration = parse_poll_duration(
        text,
        default=timedelta(hours=24),
        minimum=timedelta(hours=NATIVE_MIN_HOURS),
        maximum=timedelta(hours=NATIVE_MAX_HOURS),
    )
    hours, rest = divmod(int(duration.total_seconds()), 3600)
    if rest:
        raise UserError("Discord's native polls last a whole number of hours (e.g. `6h`, `2d`).")
    return hours


def _native_text(text: str, field: str, limit: int) -> str:
    cleaned = clean_text(text, field=field, max_len=10**6, single_line=True)
    if len(cleaned) > limit:
        raise UserError(
            f"The {field} is {len(cleaned)} characters; Discord's native polls allow at most "
            f"{limit}. Shorten it."
        )
    return cleaned
