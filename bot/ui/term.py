"""The term overview in Discord: a line per week, the chart, and CSV or Markdown exports with
titles, local dates and display names (never raw ids or UTC); and a member's own weeks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.charts.term import WeekBars, render_term_chart
from bot.scheduling.term import TermWeek
from bot.types import StudyBot
from bot.ui import limits
from bot.ui.embeds import fit
from bot.ui.library import day

COLOUR = discord.Colour.dark_red()
CHART_NAME = "term.png"
LEFT = "(left the server)"


def week_title(week: TermWeek) -> str:
    return f"Week {week.number}" + (f" · {week.label}" if week.label else "")


def session_text(week: TermWeek, zone: ZoneInfo) -> str:
    if week.session is not None:
        local = week.session.astimezone(zone)
        return f"{local:%a} {local.day} {local:%b %Y} {local:%H:%M}"
    return f"week of {day(week.starts)}" if week.starts else "no date"


def overview_lines(weeks: Sequence[TermWeek], zone: ZoneInfo) -> list[str]:
    lines = []
    for week in weeks:
        tally = week.tally
        lines.append(
            f"**{week_title(week)}** — *{limits.one_line(week.titles, 120)}*\n"
            f"{session_text(week, zone)} · ✅ {len(tally.going)} 🤔 {len(tally.maybe)} "
            f"❌ {len(tally.cant)} · came {len(tally.present)} · read {len(week.done)}"
        )
    return lines


def overview_embed(weeks: Sequence[TermWeek], zone: ZoneInfo, title: str) -> discord.Embed:
    text = "\n".join(overview_lines(weeks, zone)) or "No readings are assigned to any week yet."
    embed = discord.Embed(
        title=limits.truncate(title, limits.EMBED_TITLE),
        description=limits.truncate(text, limits.EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    embed.set_footer(
        text=f"Times in {zone.key} · ✅ going 🤔 maybe ❌ can't · came: attendance · "
        "read: marked done · /term overview format:csv for a spreadsheet"
    )
    if weeks:
        embed.set_image(url=f"attachment://{CHART_NAME}")
    return fit(embed)


def chart_file(weeks: Sequence[TermWeek], title: str) -> discord.File:
    bars = [
        WeekBars(f"{week_title(week)}: {week.titles}", len(week.tally.present), len(week.done))
        for week in weeks
    ]
    involved: set[int] = set()
    for week in weeks:
        involved |= week.tally.going | week.tally.present | week.done
    data = render_term_chart(title, bars, len(involved))
    return discord.File(io.BytesIO(data), filename=CHART_NAME)


async def display_names(bot: StudyBot, guild_id: int, ids: Iterable[int]) -> dict[int, str]:
    """Members' names as the server shows them (fetched once each; gone members say so)."""
    guild = bot.get_guild(guild_id)
    names: dict[int, str] = {}
    for user_id in sorted(set(ids)):
        member = guild.get_member(user_id) if guild is not None else None
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                member = None
            except discord.HTTPException:
                member = None
        names[user_id] = member.display_name if member is not None else LEFT
    return names


def _people(ids: Iterable[int], names: dict[int, str]) -> str:
    return "; ".join(sorted(names.get(u, LEFT) for u in ids))


def export_rows(
    weeks: Sequence[TermWeek], zone: ZoneInfo, names: dict[int, str]
) -> list[list[str]]:
    rows = [
        ["week", "label", "readings", "session", "going", "maybe", "can't", "came", "read",
         "who came", "who read"],
    ]  # fmt: skip
    for week in weeks:
        tally = week.tally
        rows.append(
            [
                str(week.number),
                week.label or "",
                week.titles,
                session_text(week, zone),
                str(len(tally.going)),
                str(len(tally.maybe)),
                str(len(tally.cant)),
                str(len(tally.present)),
                str(len(week.done)),
                _people(tally.present, names),
                _people(week.done, names),
            ]
        )
    return rows


def export_file(rows: list[list[str]], fmt: str, stamp: datetime) -> discord.File:
    name = f"term-{stamp:%Y-%m-%d}.{'csv' if fmt == 'csv' else 'md'}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        data = buffer.getvalue().encode("utf-8-sig")  # spreadsheets then read it as UTF-8
    else:

        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = [
            "| " + " | ".join(cell(c) for c in rows[0]) + " |",
            "|" + "---|" * len(rows[0]),
            *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows[1:]),
        ]
        data = ("# The term so far\n\n" + "\n".join(lines) + "\n").encode()
    return discord.File(io.BytesIO(data), filename=name)


def progress_text(weeks: Sequence[TermWeek], user_id: int, zone: ZoneInfo, now: datetime) -> str:
    """A member's own weeks: the reading, whether they read it, whether they came."""
    lines = []
    for week in weeks:
        read = "✅ read" if user_id in week.done else "▫️ not marked read"
        came = ""
        if week.session is not None and week.session <= now:
            came = " · came" if user_id in week.tally.present else " · not at the session"
        lines.append(
            f"**{week_title(week)}** — *{limits.one_line(week.titles, 100)}* "
            f"({session_text(week, zone)}): {read}{came}"
        )
    done = sum(1 for week in weeks if user_id in week.done)
    head = f"You have read {done} of {len(weeks)} weeks' readings."
    return limits.truncate("\n".join([head, "", *lines]), limits.EMBED_DESCRIPTION)
