"""Starting polls: posting a bot-run poll, building a native one, picking next-reading
candidates, and the autocomplete choices of ``/poll``."""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands

from bot.discussion.native import native_duration_hours, validate_native_poll
from bot.discussion.polls import MAX_OPTIONS, PollInfo
from bot.errors import UserError
from bot.library.records import ReadingCard
from bot.types import StudyBot, study_bot
from bot.ui import limits
from bot.ui.polls.ballots import poll_view
from bot.ui.polls.embeds import poll_embed


async def post_poll(interaction: discord.Interaction, poll: PollInfo) -> None:
    """Answer with the poll message and remember its id (to update it when the poll closes)."""
    sent = await interaction.response.send_message(embed=poll_embed(poll), view=poll_view(poll))
    message_id = sent.message_id
    if message_id is None:
        message_id = (await interaction.original_response()).id
    await study_bot(interaction).services.polls.attach_message(poll.id, poll.guild_id, message_id)


def native_poll(
    question: str,
    options: str,
    duration: str | None,
    *,
    anonymous: bool,
    hide_results: bool,
    multiple: bool,
) -> discord.Poll:
    """Discord's own poll, checked against Discord's limits (it cannot hide anything)."""
    if anonymous or hide_results:
        raise UserError(
            "Discord's native polls always show who voted and the running tally, so they "
            "can't be anonymous or hide results. Leave `native` off for a bot-run poll."
        )
    spec = validate_native_poll(question, options, native_duration_hours(duration), multiple)
    poll = discord.Poll(
        question=spec.question,
        duration=timedelta(hours=spec.duration_hours),
        multiple=spec.multiple,
    )
    for answer in spec.answers:
        poll.add_answer(text=answer)
    return poll


def reading_label(card: ReadingCard, limit: int = 80) -> str:
    """``Title — Author (year)`` within a button/option label; long subtitles are dropped."""
    title = " ".join(card.title.split())
    if len(title) > 50 and ": " in title:
        title = title.split(": ", 1)[0]
    year = f" ({card.year})" if card.year else ""
    with_author = f"{title} — {card.authors}{year}"
    if len(with_author) <= limit:
        return with_author
    return limits.truncate(title, limit - len(year)) + year


async def next_reading_candidates(
    bot: StudyBot, guild_id: int, wanted: str | None
) -> list[ReadingCard]:
    """The readings named (``;``-separated), else the readings not reached yet (else all)."""
    library = bot.services.library
    if wanted and wanted.strip():
        cards: dict[str, ReadingCard] = {}
        for part in wanted.replace("\n", ";").split(";"):
            if part.strip():
                card = await library.reading(guild_id, part.strip())
                cards.setdefault(card.id, card)
        return list(cards.values())
    everything = await library.readings(guild_id)
    week = await library.current_week(
        guild_id, await bot.guild_config.local_date(guild_id, bot.clock())
    )
    ahead = [card for card in everything if card.week is None or card.week > week]
    cards_list = ahead if len(ahead) >= 2 else everything
    if len(cards_list) < 2:
        raise UserError("The library needs at least 2 readings for a next-reading poll.")
    return cards_list[:MAX_OPTIONS]


# ---- autocomplete -----------------------------------------------------------------------------


async def poll_choices(
    bot: StudyBot, guild_id: int, current: str, *, open_only: bool
) -> list[app_commands.Choice[int]]:
    """The server's newest polls whose id starts with, or question contains, ``current``."""
    polls = await bot.services.polls.recent(guild_id, open_only=open_only)
    wanted = current.strip().lstrip("#").casefold()
    choices = []
    for poll in polls:
        number = str(poll.number)
        if wanted and not (number.startswith(wanted) or wanted in poll.question.casefold()):
            continue
        state = "" if poll.is_open else " (closed)"
        name = limits.truncate(" ".join(f"#{number}{state} {poll.question}".split()), 100)
        choices.append(app_commands.Choice(name=name, value=poll.number))
    return choices[: limits.CHOICES]


async def reading_choices(
    bot: StudyBot, guild_id: int, current: str
) -> list[app_commands.Choice[str]]:
    """Completes the last of the ;-separated readings, keeping the ones before it."""
    done, _, last = current.rpartition(";")
    prefix = f"{done.strip()}; " if done.strip() else ""
    choices = await bot.services.library.complete_readings(guild_id, last.strip())
    out = []
    for name, value in choices:
        full = prefix + value
        if len(full) <= limits.CHOICE_NAME:
            out.append(app_commands.Choice(name=limits.truncate(prefix + name, 100), value=full))
    return out[: limits.CHOICES]
