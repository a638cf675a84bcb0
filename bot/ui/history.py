"""Embeds for the pack's history: the Kronstadt resolution and the timeline of events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.library.glossary import Glossary, GlossaryEntry
from bot.library.schemas import Event, Point, Resolution
from bot.ui import limits
from bot.ui.embeds import PAGE_CHARS, clip, fit, group, pack_blocks
from bot.ui.glossary import see_who
from bot.ui.library import COLOUR, partial_date

# -- the Kronstadt resolution ---------------------------------------------------------------
POINTS_PER_PAGE = 5


def adoption_lines(resolution: Resolution) -> list[str]:
    return [f"• **{partial_date(a.date)}** — {a.body}, {a.place}" for a in resolution.adopted]


def point_block(point: Point) -> str:
    return f"**{point.number}. {point.gist}**\n{point.text}\n*Context:* {point.note}"


def resolution_pages(resolution: Resolution) -> list[discord.Embed]:
    """Title and dates with the preamble and every point at a glance, then the points in
    full with their notes, then the historical context."""
    total = len(resolution.points)
    first_lines = ["**Adopted**", *adoption_lines(resolution)]
    if resolution.chair:
        first_lines.append(f"Chaired by {resolution.chair}.")
    first_lines += ["", f"*{resolution.preamble}*", "", f"**The {total} points at a glance**"]
    first_lines += [f"{p.number}. {p.gist}" for p in resolution.points]
    opening = pack_blocks(["\n".join(first_lines)], per_page=1)
    embeds = [
        discord.Embed(
            title=resolution.title if i == 0 else "The Kronstadt resolution (continued)",
            description=text,
            colour=COLOUR,
        )
        for i, text in enumerate(opening)
    ]
    for points in group(
        resolution.points,
        lambda p: len(point_block(p)) + 2,
        per_page=POINTS_PER_PAGE,
        limit=PAGE_CHARS,
    ):
        span = str(points[0].number)
        if len(points) > 1:
            span = f"s {points[0].number}–{points[-1].number}"
        embeds.append(
            discord.Embed(
                title=f"The Kronstadt resolution — point{span} of {total}",
                description="\n\n".join(point_block(p) for p in points),
                colour=COLOUR,
            )
        )
    for text in pack_blocks([resolution.context], per_page=1):
        embeds.append(
            discord.Embed(
                title="The Kronstadt resolution — context", description=text, colour=COLOUR
            )
        )
    for embed in embeds:
        embed.set_footer(text=f"One point with its context: /kronstadt point:<1–{total}>")
    return [fit(embed) for embed in embeds]


def point_embed(
    resolution: Resolution, point: Point, glossary: Sequence[GlossaryEntry] = ()
) -> discord.Embed:
    """One point, with the preamble it answers, its context, the glossary entries that
    explain its terms and the dates of adoption."""
    total = len(resolution.points)
    embed = discord.Embed(
        title=f"Point {point.number} of {total}: {point.gist}",
        description=f"> {point.text}",
        colour=COLOUR,
    )
    embed.set_author(name=clip(resolution.title, limits.EMBED_AUTHOR))
    embed.add_field(name="Context", value=point.note, inline=False)
    if terms := see_who(glossary):
        embed.add_field(name="In the glossary", value=terms, inline=False)
    embed.add_field(name="The preamble", value=clip(resolution.preamble, 1024), inline=False)
    embed.add_field(name="Adopted", value="\n".join(adoption_lines(resolution)), inline=False)
    embed.set_footer(text="The whole resolution: /kronstadt")
    return fit(embed)


# -- the timeline ---------------------------------------------------------------------------
EVENTS_PER_PAGE = 6


def date_range(start: str, end: str | None) -> str:
    """``7–8 March 1921``, ``29 March – 5 April 1920``; one date when there is no end."""
    first, last = partial_date(start), partial_date(end) if end else ""
    if not last or last == first:
        return first
    a, b = first.split(" "), last.split(" ")
    if len(a) == len(b) == 3 and a[1:] == b[1:]:
        return f"{a[0]}–{b[0]} {b[1]} {b[2]}"
    if len(a) == len(b) == 3 and a[2] == b[2]:
        return f"{a[0]} {a[1]} – {last}"
    return f"{first} – {last}"


def event_heading(event: Event) -> str:
    """The date in bold (New Style, with its end), the Old Style date beside it, the title."""
    old = f" (Old Style {event.old_style})" if event.old_style else ""
    return f"**{date_range(event.date, event.end_date)}**{old} — {event.title}"


def event_block(
    event: Event,
    reading_titles: Mapping[str, str],
    glossary: Sequence[GlossaryEntry] = (),
) -> str:
    lines = [event_heading(event), event.description]
    related = [reading_titles[r] for r in event.readings if r in reading_titles]
    if related:
        lines.append("📖 " + "; ".join(f"*{title}*" for title in related))
    if terms := see_who(glossary, limit=5):
        lines.append(f"👤 {terms}")
    return "\n".join(lines)


def timeline_pages(
    events: Sequence[Event],
    year: int | None,
    reading_titles: Mapping[str, str],
    glossary: Glossary | None = None,
) -> list[discord.Embed]:
    years = sorted({e.year for e in events})
    if year is not None:
        title = f"Timeline: {year}"
    else:
        title = f"Timeline, {years[0]}–{years[-1]}" if len(years) > 1 else f"Timeline: {years[0]}"
    blocks = [
        event_block(e, reading_titles, glossary.for_event(e.id) if glossary else ()) for e in events
    ]
    texts = pack_blocks(blocks, per_page=EVENTS_PER_PAGE)
    embeds = []
    for text in texts:
        embed = discord.Embed(title=title, description=text, colour=COLOUR)
        footer = "One year: /timeline year:<year>"
        if any(e.old_style for e in events):
            footer += " · Old Style: the Julian calendar Russia used until February 1918"
        embed.set_footer(text=footer)
        embeds.append(fit(embed))
    return embeds
