"""``/reading progress`` and the part-aware ``/reading done``: what a member has read, where
that leaves them among the group, their streak, and which discussion threads are safe for them.

Only threads of parts the member has finished (in order) are linked: the thread of the part
they are reading now stays hidden until they mark that part done, so no click spoils a chapter.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.library.parts import PartsRead
from bot.library.records import ReadingCard, SyllabusWeek
from bot.library.streaks import Streak, WeekMark, streak
from bot.scheduling.term import TermReport
from bot.types import StudyBot, study_bot
from bot.ui.library import done_message
from bot.ui.limits import (
    CHOICE_NAME,
    CHOICES,
    CONTENT,
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    truncate,
)
from bot.ui.term import progress_text
from bot.ui.zones import zone_note, zone_of

COLOUR = discord.Colour.dark_green()
WEEK_ICONS = {"finished": "✅", "missed": "▫️", "ongoing": "⏳", "open": "▫️"}


def safe_threads(read: PartsRead, threads: dict[int, int]) -> list[str]:
    """Links to the threads of the parts read so far, in order; nothing past them."""
    return [f"<#{threads[p]}> {read.title(p)}" for p in range(1, read.furthest + 1) if p in threads]


def pointer(read: PartsRead, threads: dict[int, int]) -> str:
    """Where the member may discuss now, and what comes next."""
    lines = safe_threads(read, threads)
    text = ""
    if lines:
        text = "Discuss up to where you are:\n" + "\n".join(f"• {line}" for line in lines)
    elif read.furthest:
        text = "The part threads open with the session thread."
    if read.furthest < len(read.parts):
        following = read.furthest + 1
        text += (
            f"\nNext: {read.title(following)}. Its thread is shown to you once you mark it "
            f"done (`/reading done part:{following}`), so nothing is spoiled before."
        )
    return text.strip()


async def done_reply(
    bot: StudyBot, guild_id: int, user_id: int, reading: str, part: int | None
) -> str:
    """The reply to ``/reading done``: progress, and threads for readings in parts."""
    parts = bot.services.parts
    library = bot.services.library
    if part is None:
        card, newly = await library.mark_done(guild_id, user_id, reading)
        progress = await library.progress(guild_id, user_id)
        text = done_message(card, newly, len(progress.done), progress.total)
    else:
        read = await parts.mark(guild_id, user_id, reading, part)
        card = read.card
        text = f"✅ {read.title(part)} of *{card.title}* marked done."
        if read.whole:
            text += " That finishes the reading."
    read = await parts.read(guild_id, user_id, card)
    if read.parts:
        text += "\n" + pointer(read, await parts.threads(guild_id, card.id))
    return truncate(text, CONTENT)


async def part_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """Autocomplete for ``part``: the parts of the reading chosen in the same command."""
    bot = study_bot(interaction)
    reading = str(getattr(interaction.namespace, "reading", "") or "")
    if interaction.guild_id is None or not reading:
        return []
    try:
        card = await bot.services.library.reading(interaction.guild_id, reading)
    except Exception:  # a half-typed reading: nothing to suggest yet
        return []
    parts = await bot.services.parts.parts_of(interaction.guild_id, card)
    wanted = str(current or "").strip().casefold()
    found = [
        app_commands.Choice(name=truncate(f"Part {n}: {title}", CHOICE_NAME), value=n)
        for n, title in enumerate(parts, start=1)
        if wanted in f"part {n}: {title}".casefold()
    ]
    return found[:CHOICES]


def _week_line(mark: WeekMark, week: SyllabusWeek | None) -> str:
    titles = ", ".join(c.title for c in week.readings) if week else ""
    when = f" ({mark.starts:%d %b})" if mark.starts else ""
    return truncate(f"{WEEK_ICONS.get(mark.state, '')} Week {mark.number}{when}: {titles}", 120)


def _spread_text(read: PartsRead, counts: dict[int, int]) -> str:
    total = len(read.parts)
    pieces = []
    if counts.get(total):
        pieces.append(f"{counts[total]} finished")
    for n in range(total - 1, -1, -1):
        if counts.get(n):
            where = f"through part {n}" if n else "not past part 1"
            pieces.append(f"{counts[n]} {where}")
    return " · ".join(pieces) or "nobody has marked a part yet"


async def progress_embed(bot: StudyBot, guild_id: int, user_id: int) -> discord.Embed:
    """Readings done, this week's parts with the group's spread, past weeks and the streak."""
    library = bot.services.library
    zone = await zone_of(bot, guild_id, user_id)
    server_zone = ZoneInfo((await bot.guild_config.get(guild_id)).timezone)
    today = await bot.guild_config.local_date(guild_id, bot.clock())
    syllabus = await library.syllabus(guild_id, today)
    progress = await library.progress(guild_id, user_id)
    # Weeks are the server's dates, so "in time" is judged on the server's calendar.
    done_on = {e.reading.id: e.done_at.astimezone(server_zone).date() for e in progress.done}
    result = streak(syllabus.weeks, done_on, today)
    embed = discord.Embed(
        title="Your reading progress",
        description=truncate(
            _summary(progress.total, len(progress.done), result), EMBED_DESCRIPTION
        ),
        colour=COLOUR,
    )
    current = syllabus.current
    parts_lines = await _parts_lines(bot, guild_id, user_id, current.readings)
    if parts_lines:
        embed.add_field(
            name=f"This week (week {current.number}) in parts",
            value=truncate("\n".join(parts_lines), EMBED_FIELD_VALUE),
            inline=False,
        )
    by_number = {w.number: w for w in syllabus.weeks}
    shown = [m for m in result.weeks if m.state not in ("future", "empty")]
    if shown:
        embed.add_field(
            name="Your weeks",
            value=truncate(
                "\n".join(_week_line(m, by_number.get(m.number)) for m in shown[-10:]),
                EMBED_FIELD_VALUE,
            ),
            inline=False,
        )
    term = await TermReport(library, bot.services.sessions).weeks(guild_id, today, server_zone.key)
    if term:
        embed.add_field(
            name="Readings and sessions",
            value=truncate(progress_text(term, user_id, zone.zone, bot.clock()), EMBED_FIELD_VALUE),
            inline=False,
        )
    if progress.done:
        last = progress.done[-1]
        embed.add_field(
            name="Last marked done",
            value=truncate(f"*{last.reading.title}*, {zone_note(last.done_at, zone)}", 1024),
            inline=False,
        )
    embed.set_footer(text=f"Times in {zone.label}. Mark readings with /reading done.")
    return embed


def _summary(total: int, done: int, result: Streak) -> str:
    weeks = "week" if result.current == 1 else "weeks"
    fire = "🔥 " if result.current else ""
    return (
        f"**{done} of {total}** readings done.\n"
        f"{fire}Streak: **{result.current}** {weeks} in a row finishing the week's reading "
        f"(best {result.best})."
    )


async def _parts_lines(
    bot: StudyBot, guild_id: int, user_id: int, cards: Iterable[ReadingCard]
) -> list[str]:
    parts = bot.services.parts
    lines = []
    for card in cards:
        read = await parts.read(guild_id, user_id, card)
        if not read.parts:
            continue
        ticks = "".join("☑" if p <= read.furthest else "▫" for p in range(1, len(read.parts) + 1))
        spread = _spread_text(read, dict(await parts.spread(guild_id, card)))
        lines.append(
            f"*{truncate(card.title, 80)}* {ticks} {read.furthest} of {len(read.parts)} parts\n"
            f"Group: {spread}"
        )
        threads = safe_threads(read, await parts.threads(guild_id, card.id))
        lines.extend(f"• {t}" for t in threads)
    return lines
