"""Bot-run polls: single/multiple choice, ranked (instant-runoff) and time-slot polls.

- :mod:`.model` — limits, value types (:class:`PollInfo`, :class:`PollResult`…), members'
  options cleaned (:func:`parse_options`).
- :mod:`.service` — :class:`PollService`: create, read, close; the one entry point.
- :mod:`.ballots` — casting, changing and withdrawing ballots; anonymous voter keys.
- :mod:`.results` — counting the votes; closing a poll exactly once.
- :mod:`.records` — loading a poll's rows within one server.
"""

from bot.discussion.polls.model import (
    BUTTON_OPTIONS_MAX,
    MAX_OPTIONS,
    MAX_SLOTS,
    MIN_SLOTS,
    Candidate,
    CloseOutcome,
    OptionCount,
    PollInfo,
    PollOptionInfo,
    PollResult,
    parse_options,
)
from bot.discussion.polls.service import PollService

__all__ = [
    "BUTTON_OPTIONS_MAX",
    "MAX_OPTIONS",
    "MAX_SLOTS",
    "MIN_SLOTS",
    "Candidate",
    "CloseOutcome",
    "OptionCount",
    "PollInfo",
    "PollOptionInfo",
    "PollResult",
    "PollService",
    "parse_options",
]
