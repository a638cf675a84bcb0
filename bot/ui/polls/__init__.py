"""Polls in Discord: the poll message, its persistent components, and the result announcement.

- :mod:`.items` — :class:`PollItem`, the base of every poll button and select.
- :mod:`.embeds` — how polls and results look (embeds, chart file, ``/poll results``).
- :mod:`.ballots` — voting: the poll message's components and the ranked ballot.
- :mod:`.follow_ups` — organisers' one-click actions under a result.
- :mod:`.closing` — closing at the deadline or at start-up, and announcing each result once.
- :mod:`.creating` — posting new polls, native polls, and ``/poll`` autocomplete.
"""

from typing import Any

import discord

from bot.ui.polls.ballots import (
    RankButton,
    RankSelect,
    ResultsButton,
    VoteButton,
    VoteSelect,
    WithdrawButton,
)
from bot.ui.polls.follow_ups import AssignButton, WeeklyButton

# Every persistent poll component: the cog registers them so old messages keep working.
POLL_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    VoteButton,
    VoteSelect,
    ResultsButton,
    WithdrawButton,
    RankButton,
    RankSelect,
    AssignButton,
    WeeklyButton,
)

__all__ = ["POLL_ITEMS"]
