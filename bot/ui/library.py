"""Embeds and autocomplete for the library cogs: reading cards, the syllabus, quotations and
search hits (the resolution and the timeline are in :mod:`bot.ui.history`).

Pure functions from domain objects to embeds, all leaving through :func:`bot.ui.embeds.fit`
and paged by size as well as by count (the cog tests assert it on the longest real content).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, overload

import discord
from discord import app_commands

from bot.library.citations import MONTHS
from bot.library.records import Quote, ReadingCard, Syllabus, SyllabusWeek
from bot.library.search import Hit
from bot.types import guild_id_of, study_bot
from bot.ui import limits
from bot.ui.embeds import PAGE_CHARS, clip, clip_markdown, fit, group, pack_fields, split_lines

COLOUR = discord.Colour.dark_red()
_ISO_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
KIND_MARKS = {"excerpt": "❝", "reading": "📖", "point": "⚓", "event": "📅", "glossary": "👤"}


# -- dates ----------------------------------------------------------------------------------
def partial_date(text: str) -> str:
    """``1921-03-01`` -> ``1 March 1921``, ``1917-12`` -> ``December 1917``; other text as is."""
    match = _ISO_DATE.match(text)
    if not match or not 1 <= int(match["month"] or 1) <= 12:
        return text
    year, month, day_of_month = match["year"], match["month"], match["day"]
    if month is None:
        return year
    named = f"{MONTHS[int(month) - 1]} {year}"
    return f"{int(day_of_month)} {named}" if day_of_month else named


def day(value: date) -> str:
    """``Mon 3 March 2025``: week starts are calendar days in the server's time zone, so they
    are written out rather than shown as a timestamp each reader's client would shift."""
    return f"{value:%a} {value.day} {MONTHS[value.month - 1]} {value.year}"


# -- readings -------------------------------------------------------------------------------
def byline(card: ReadingCard) -> str:
    return card.authors + (f" ({card.year})" if card.year else "")


def reading_line(card: ReadingCard) -> str:
    return f"• *{card.title}* — {byline(card)}"


def week_name(number: int, label: str | None) -> str:
    return f"Week {number}" + (f" · {label}" if label else "")


def where_to_read(card: ReadingCard) -> str | None:
    parts = [part for part in (card.url, card.where) if part]
    return "\n".join(parts) or None


def reading_embed(
    card: ReadingCard,
    *,
    done: int,
    week_label: str | None = None,
    week_starts: date | None = None,
) -> discord.Embed:
    """The card for ``/reading info``."""
    embed = discord.Embed(title=card.title, description=card.summary or None, colour=COLOUR)
    embed.add_field(name="By", value=card.authors, inline=True)
    if card.year:
        embed.add_field(name="Year", value=str(card.year), inline=True)
    if card.publisher:
        embed.add_field(name="Published by", value=card.publisher, inline=True)
    if card.length:
        embed.add_field(name="Length", value=card.length, inline=True)
    if card.week:
        when = f"\nfrom {day(week_starts)}" if week_starts else ""
        embed.add_field(name="On the syllabus", value=week_name(card.week, week_label) + when)
    else:
        embed.add_field(name="On the syllabus", value="not scheduled yet")
    members = "member has" if done == 1 else "members have"
    embed.add_field(name="Progress", value=f"{done} {members} marked it done", inline=True)
    if where := where_to_read(card):
        embed.add_field(name="Where to read", value=where, inline=False)
    notes = []
    if card.source == "server":
        notes.append("Added by this server's organisers")
    if card.aliases:
        notes.append("Also found as: " + ", ".join(card.aliases))
    notes.append("Cite it with /source cite")
    embed.set_footer(text=" · ".join(notes))
    return fit(embed)


def reading_field(card: ReadingCard, summary_chars: int = 450) -> tuple[str, str]:
    facts = [byline(card)]
    if card.length:
        facts.append(card.length)
    lines = [" · ".join(facts)]
    if card.summary:
        lines.append(clip(card.summary, summary_chars))
    if where := where_to_read(card):
        lines.append(f"Where: {clip(where, 300)}")
    return clip(card.title, limits.EMBED_FIELD_NAME), "\n".join(lines)


MAX_CURRENT_FIELDS = 6


def current_embed(week: SyllabusWeek, *, last_week: int) -> discord.Embed:
    """This week's assignment for ``/reading current``."""
    embed = discord.Embed(title=f"This week: {week_name(week.number, week.label)}", colour=COLOUR)
    lines = []
    if week.starts:
        lines.append(f"Week of {day(week.starts)}.")
    if not week.readings:
        if week.number > last_week:
            lines.append(
                f"The syllabus ended with week {last_week}. Organisers can add more with "
                "`/reading assign`."
            )
        else:
            lines.append("Nothing is assigned to this week. Organisers can use `/reading assign`.")
    embed.description = "\n".join(lines) or None
    if week.readings:
        embed.set_footer(text="Done? Mark it with /reading done · details: /reading info")
    # Whole cards while they fit (leaving room for the "more" line), never a silent cut.
    budget = limits.EMBED_TOTAL - len(embed) - 100
    shown = 0
    for card in week.readings[:MAX_CURRENT_FIELDS]:
        name, value = reading_field(card)
        value = clip(value, limits.EMBED_FIELD_VALUE)
        if len(name) + len(value) > budget:
            break
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
        shown += 1
    if rest := len(week.readings) - shown:
        embed.add_field(
            name=f"…and {rest} more", value="See them all with `/reading list`.", inline=False
        )
    return fit(embed)


WEEKS_PER_PAGE = 5


def syllabus_blocks(syllabus: Syllabus) -> list[tuple[int | None, str]]:
    """Page-sized text blocks, whole weeks where they fit, each tagged with its week."""
    weeks: list[tuple[int | None, str, list[str]]] = []
    for week in syllabus.weeks:
        header = f"**{week_name(week.number, week.label)}**"
        if week.starts:
            header += f" — from {day(week.starts)}"
        if week.number == syllabus.current_week:
            header += "  ← this week"
        weeks.append((week.number, header, [reading_line(c) for c in week.readings]))
    if syllabus.unscheduled:
        lines = [reading_line(c) for c in syllabus.unscheduled]
        weeks.append((None, "**Not scheduled yet**", lines))
    blocks: list[tuple[int | None, str]] = []
    for number, header, lines in weeks:
        body = split_lines("\n".join(lines), PAGE_CHARS - 400) if lines else [""]
        for index, piece in enumerate(body):
            head = header if index == 0 else f"{header.split(' — ')[0]} (continued)"
            blocks.append((number if index == 0 else -1, f"{head}\n{piece}".rstrip()))
    return blocks


def syllabus_pages(syllabus: Syllabus, title: str) -> tuple[list[discord.Embed], int]:
    """The syllabus in pages, and the page that shows the current week."""
    blocks = syllabus_blocks(syllabus)
    if not blocks:
        empty = discord.Embed(
            title=title,
            description="No readings yet. Organisers can add one with `/reading add`.",
            colour=COLOUR,
        )
        return [empty], 0
    pages = group(blocks, lambda b: len(b[1]) + 2, per_page=WEEKS_PER_PAGE, limit=PAGE_CHARS)
    current_page = next(
        (i for i, page in enumerate(pages) for n, _ in page if n == syllabus.current_week), 0
    )
    embeds = []
    for page in pages:
        text = "\n\n".join(block for _, block in page)
        embed = discord.Embed(title=title, description=text, colour=COLOUR)
        embed.set_footer(text="This week: /reading current · a card: /reading info")
        embeds.append(fit(embed))
    return embeds, current_page


def done_message(card: ReadingCard, newly: bool, done: int, total: int) -> str:
    head = (
        f"Marked *{card.title}* as done."
        if newly
        else f"You had already marked *{card.title}* as done."
    )
    tail = " That's the whole syllabus — well read!" if total and done >= total else ""
    return clip(f"{head} You have finished {done} of {total} readings.{tail}", limits.CONTENT)


# -- sources --------------------------------------------------------------------------------
def quote_source_lines(quote: Quote) -> list[str]:
    """Where the words come from: work, locator, translator, edition, the text they were
    read in, and the public copy they were checked against."""
    lines = [f"{quote.author}, *{quote.work}* ({quote.date})"]
    if quote.locator:
        lines.append(f"**Where:** {quote.locator}")
    if quote.translator:
        lines.append(f"**Translated by** {quote.translator}")
    if quote.edition:
        lines.append(f"**Edition:** {quote.edition}")
    if quote.quoted_in:
        lines.append(f"**As quoted in** {quote.quoted_in}")
    if quote.url:
        lines.append(f"**Text:** <{quote.url}>")
    return lines


def quote_embed(quote: Quote) -> discord.Embed:
    embed = discord.Embed(description=quote.text, colour=COLOUR)
    embed.set_author(name=quote.author)
    embed.add_field(name="Source", value="\n".join(quote_source_lines(quote)), inline=False)
    if not quote.verified:
        embed.add_field(
            name="⚠ Unverified wording",
            value=quote.verbatim_note or "Not yet checked against the published text.",
            inline=False,
        )
    elif quote.verbatim_note:
        embed.add_field(name="About the wording", value=quote.verbatim_note, inline=False)
    footer = "Added by this server's organisers" if quote.source == "server" else "From the pack"
    if not quote.verified:
        footer += " · unverified"
    embed.set_footer(text=f"{footer} · excerpt {quote.ref}")
    return fit(embed)


HITS_PER_PAGE = 5
SNIPPET_CHARS = 600


def hit_command(hit: Hit) -> str | None:
    """The command that shows more of a hit, or ``None`` (a server's own excerpt)."""
    if hit.kind == "point" and hit.ref.isdigit():
        return f"/kronstadt point:{hit.ref}"
    if hit.kind == "point":
        return "/kronstadt"
    if hit.kind == "reading":
        return f"/reading info reading:{clip(hit.ref, 60)}"
    if hit.kind == "event" and hit.citation.date[:4].isdigit():
        return f"/timeline year:{hit.citation.date[:4]}"
    if hit.kind == "glossary":
        return f"/who name:{clip(hit.title, 80)}"
    if hit.kind == "excerpt" and hit.guild_id is None:
        return f"/source quote author:{clip(hit.citation.author, 60)}"
    return None


def citation_line(hit: Hit) -> str:
    citation = hit.citation
    author, work = clip(citation.author, 100), clip(citation.work, 150)
    return f"— {author}, *{work}* ({clip(partial_date(citation.date), 40)})"


def hit_field(position: int, hit: Hit) -> tuple[str, str]:
    mark = KIND_MARKS.get(hit.kind, "•")
    name = f"{position}. {mark} {hit.title}"
    lines = []
    if hit.snippet:
        lines.append(clip_markdown(hit.snippet, SNIPPET_CHARS))
    lines.append(citation_line(hit))
    if command := hit_command(hit):
        lines.append(f"`{command}`")
    return clip(name, 200), "\n".join(lines)


def search_pages(hits: Sequence[Hit], query: str, *, more: bool = False) -> list[discord.Embed]:
    fields = [hit_field(i, hit) for i, hit in enumerate(hits, start=1)]
    groups = pack_fields(fields, per_page=HITS_PER_PAGE)
    count = f"the best {len(hits)}" if more else str(len(hits))
    noun = "match" if len(hits) == 1 else "matches"
    embeds = []
    for page_fields in groups:
        embed = discord.Embed(
            title=clip(f"Search: {query}", limits.EMBED_TITLE),
            description=f"{count} {noun}, best first.",
            colour=COLOUR,
        )
        for name, value in page_fields:
            embed.add_field(name=name, value=value, inline=False)
        embeds.append(fit(embed))
    return embeds


# -- autocomplete ---------------------------------------------------------------------------
@overload
def choices(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]: ...
@overload
def choices(
    pairs: Iterable[tuple[str, str]], convert: Callable[[str], int]
) -> list[app_commands.Choice[int]]: ...
def choices(
    pairs: Iterable[tuple[str, str]], convert: Callable[[str], Any] = str
) -> list[app_commands.Choice[Any]]:
    """Autocomplete choices from the service's (name, value) pairs, within Discord's limits;
    ``convert`` turns each value into the parameter's type (``int`` for numbers)."""
    out: list[app_commands.Choice[Any]] = []
    for name, value in pairs:
        out.append(app_commands.Choice(name=clip(name, limits.CHOICE_NAME), value=convert(value)))
        if len(out) >= limits.CHOICES:
            break
    return out


async def reading_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for a ``reading`` parameter: this server's readings, best match first."""
    library = study_bot(interaction).services.library
    return choices(await library.complete_readings(guild_id_of(interaction), str(current or "")))
