"""One discussion thread per part of the week's reading, opened with the session thread.

Discord threads cannot hold threads, so the "sub-threads" are siblings of the session thread
in the same channel, each named for its part first (``Part 2/3: pp. 31-60 · Title``), so the
channel's thread list reads like a table of contents and nobody opens a later part by
accident. The session thread gets a short index; members are pointed to the part threads they
have read by ``/reading done`` (see :mod:`bot.ui.progress`).
"""

from __future__ import annotations

import contextlib
from typing import Literal

import discord

from bot.scheduling.sessions import SessionOccurrence
from bot.types import StudyBot
from bot.ui.faults import fault_notes
from bot.ui.limits import EMBED_DESCRIPTION, truncate
from bot.ui.sessions import SESSION_COLOUR, week_for

THREAD_NAME = 100
WEEK_MINUTES: Literal[10080] = 10080  # a part thread stays open for the reading week


def part_thread_name(number: int, total: int, part: str, title: str) -> str:
    return truncate(f"Part {number}/{total}: {part} · {title}", THREAD_NAME)


async def open_part_threads(
    bot: StudyBot, occ: SessionOccurrence, channel: discord.TextChannel, session: discord.Thread
) -> int:
    """Open the part threads of the session's week; returns how many were opened."""
    guild_id = occ.schedule.guild_id
    week = await week_for(bot, occ)
    parts_service = bot.services.parts
    index: list[str] = []
    for card in week.readings:
        parts = await parts_service.parts_of(guild_id, card)
        for number, part in enumerate(parts, start=1):
            name = part_thread_name(number, len(parts), part, card.title)
            try:
                thread = await channel.create_thread(
                    name=name,
                    type=discord.ChannelType.public_thread,
                    auto_archive_duration=WEEK_MINUTES,
                )
            except discord.HTTPException as error:
                await fault_notes(bot).report(
                    guild_id,
                    channel.id,
                    error,
                    f"I could not open the thread for part {number} of *{card.title[:100]}* "
                    f"in <#{channel.id}>",
                )
                break
            await parts_service.link_thread(guild_id, card.id, number, thread.id)
            index.append(f"<#{thread.id}> Part {number} of {len(parts)}: {part}")
            # The thread is there and linked; its opening note is a nicety.
            with contextlib.suppress(discord.HTTPException):
                await thread.send(
                    f"Discussion of **{truncate(part, 200)}** of *{truncate(card.title, 300)}*. "
                    "Keep to what happens up to the end of this part: later parts have their "
                    "own threads."
                )
    if index:
        embed = discord.Embed(
            title="Spoiler-safe threads, one per part",
            description=truncate(
                "Open only the parts you have read. `/reading done` with a part points you to "
                "the threads you are ready for.\n\n" + "\n".join(index),
                EMBED_DESCRIPTION,
            ),
            colour=SESSION_COLOUR,
        )
        try:
            await session.send(embed=embed)
        except discord.HTTPException as error:
            await fault_notes(bot).report(
                guild_id, session.id, error, f"I could not list the part threads in <#{session.id}>"
            )
    return len(index)
