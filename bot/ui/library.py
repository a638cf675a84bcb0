"""Embeds for the library cogs: reading cards, the syllabus, search hits, quotations, the
Kronstadt resolution and the timeline.

Pure functions from domain objects to embeds. Every embed leaves through :func:`fit`, and long
content is split into pages by size as well as by count, so nothing here can exceed Discord's
limits whatever an organiser typed (the cog tests assert it on the longest real content).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TypeVar

import discord
from discord import app_commands

from bot.library.citations import MONTHS
from bot.library.records import Quote, ReadingCard, Syllabus, SyllabusWeek
from bot.library.schemas import Event, Point, Resolution
from bot.library.search import Hit
from bot.ui import limits
from bot.ui.paginator import Page, clamp

T = TypeVar("T")
ChoiceValue = TypeVar("ChoiceValue", str, int)
COLOUR = discord.Colour.dark_red()
# Room left on a page for the title, footer and the odd field (6,000 in all per embed).
PAGE_CHARS = 3800
FIELDS_BUDGET = 5200
_ISO_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
KIND_MARKS = {"excerpt": "❝", "reading": "📖", "point": "⚓", "event": "📅"}


# -- limits ---------------------------------------------------------------------------------
def clip(text: str, limit: int) -> str:
    return limits.truncate(text, limit)


def clip_markdown(text: str, limit: int) -> str:
    """Cut text that may hold ``**bold**`` pairs without leaving one open."""
    if len(text) <= limit:
        return text
    cut = limits.truncate(text, limit)
    if cut.count("**") % 2:
        head, _, tail = cut.rpartition("**")
        cut = head + tail
    return cut


def fit(embed: discord.Embed) -> discord.Embed:
    """Enforce every embed limit: the last line of defence behind the page builders."""
    if embed.title:
        embed.title = clip(embed.title, limits.EMBED_TITLE)
    if embed.description:
        embed.description = clip(embed.description, limits.EMBED_DESCRIPTION)
    if embed.author.name:
        embed.set_author(name=clip(embed.author.name, limits.EMBED_AUTHOR))
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, limits.EMBED_FOOTER))
    for index, field in enumerate(embed.fields):
        embed.set_field_at(
            index,
            name=clip(field.name or "\u200b", limits.EMBED_FIELD_NAME),
            value=clip(field.value or "\u200b", limits.EMBED_FIELD_VALUE),
            inline=bool(field.inline),
        )
    while len(embed.fields) > limits.EMBED_FIELDS:
        embed.remove_field(-1)
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(-1)
    if len(embed) > limits.EMBED_TOTAL and embed.description:
        excess = len(embed) - limits.EMBED_TOTAL
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    return embed


def group(
    items: Sequence[T], size: Callable[[T], int], *, per_page: int, limit: int
) -> list[list[T]]:
    """Consecutive items in pages of at most ``per_page`` items and ``limit`` total size."""
    pages: list[list[T]] = []
    current: list[T] = []
    used = 0
    for item in items:
        cost = size(item)
        if current and (len(current) >= per_page or used + cost > limit):
            pages.append(current)
            current, used = [], 0
        current.append(item)
        used += cost
    if current:
        pages.append(current)
    return pages


def pack_blocks(blocks: Sequence[str], *, per_page: int, limit: int = PAGE_CHARS) -> list[str]:
    """Join text blocks into page texts of at most ``per_page`` blocks and ``limit`` characters.

    A block too long for a page of its own is split at paragraph or word breaks.
    """
    pieces = [piece for block in blocks for piece in limits.chunk(block, limit)]
    pages = group(pieces, lambda piece: len(piece) + 2, per_page=per_page, limit=limit + 2)
    return ["\n\n".join(page) for page in pages]


def pack_fields(
    fields: Sequence[tuple[str, str]], *, per_page: int, budget: int = FIELDS_BUDGET
) -> list[list[tuple[str, str]]]:
    """Group (name, value) fields into pages by count and by size."""
    clipped = [
        (clip(name, limits.EMBED_FIELD_NAME), clip(value, limits.EMBED_FIELD_VALUE))
        for name, value in fields
    ]
    return group(clipped, lambda f: len(f[0]) + len(f[1]), per_page=per_page, limit=budget)


def page_of(embeds: Sequence[discord.Embed], number: int) -> Page:
    """The paginator's page ``number`` (clamped: an old button may point past the end)."""
    number = clamp(number, len(embeds))
    return Page(fit(embeds[number]), number, len(embeds))


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


def split_lines(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut between lines (a huge line is cut too)."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        for part in limits.chunk(line, limit) or [""]:
            if current and len(current) + 1 + len(part) > limit:
                pieces.append(current)
                current = part
            else:
                current = f"{current}\n{part}" if current else part
    if current:
        pieces.append(current)
    return pieces


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
def quote_embed(quote: Quote) -> discord.Embed:
    embed = discord.Embed(description=quote.text, colour=COLOUR)
    embed.set_author(name=quote.author)
    embed.add_field(name="Source", value=f"{quote.author}, *{quote.work}* ({quote.date})")
    footer = "Added by this server's organisers" if quote.source == "server" else "From the pack"
    embed.set_footer(text=f"{footer} · excerpt {quote.ref}")
    return fit(embed)


HITS_PER_PAGE = 5
SNIPPET_CHARS = 600


def hit_field(position: int, hit: Hit) -> tuple[str, str]:
    mark = KIND_MARKS.get(hit.kind, "•")
    name = f"{position}. {mark} {hit.title}"
    lines = []
    if hit.snippet:
        lines.append(clip_markdown(hit.snippet, SNIPPET_CHARS))
    citation = hit.citation
    author, work = clip(citation.author, 100), clip(citation.work, 150)
    lines.append(f"— {author}, *{work}* ({clip(partial_date(citation.date), 40)})")
    if hit.kind == "point" and hit.ref.isdigit():
        lines.append(f"`/kronstadt point:{hit.ref}`")
    elif hit.kind == "reading":
        lines.append(f"`/reading info reading:{clip(hit.ref, 60)}`")
    elif hit.kind == "event" and hit.citation.date[:4].isdigit():
        lines.append(f"`/timeline year:{hit.citation.date[:4]}`")
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


def point_embed(resolution: Resolution, point: Point) -> discord.Embed:
    """One point, with the preamble it answers, its context and the dates of adoption."""
    total = len(resolution.points)
    embed = discord.Embed(
        title=f"Point {point.number} of {total}: {point.gist}",
        description=f"> {point.text}",
        colour=COLOUR,
    )
    embed.set_author(name=clip(resolution.title, limits.EMBED_AUTHOR))
    embed.add_field(name="Context", value=point.note, inline=False)
    embed.add_field(name="The preamble", value=clip(resolution.preamble, 1024), inline=False)
    embed.add_field(name="Adopted", value="\n".join(adoption_lines(resolution)), inline=False)
    embed.set_footer(text="The whole resolution: /kronstadt")
    return fit(embed)


# -- the timeline ---------------------------------------------------------------------------
EVENTS_PER_PAGE = 6


def event_block(event: Event, reading_titles: Mapping[str, str]) -> str:
    lines = [f"**{partial_date(event.date)}** — {event.title}", event.description]
    related = [reading_titles[r] for r in event.readings if r in reading_titles]
    if related:
        lines.append("📖 " + "; ".join(f"*{title}*" for title in related))
    return "\n".join(lines)


def timeline_pages(
    events: Sequence[Event], year: int | None, reading_titles: Mapping[str, str]
) -> list[discord.Embed]:
    years = sorted({e.year for e in events})
    if year is not None:
        title = f"Timeline: {year}"
    else:
        title = f"Timeline, {years[0]}–{years[-1]}" if len(years) > 1 else f"Timeline: {years[0]}"
    texts = pack_blocks([event_block(e, reading_titles) for e in events], per_page=EVENTS_PER_PAGE)
    embeds = []
    for text in texts:
        embed = discord.Embed(title=title, description=text, colour=COLOUR)
        embed.set_footer(text="One year: /timeline year:<year>")
        embeds.append(fit(embed))
    return embeds


def choices(
    pairs: Iterable[tuple[str, str]], convert: Callable[[str], ChoiceValue] = str
) -> list[app_commands.Choice[ChoiceValue]]:
    """Autocomplete choices from the service's (name, value) pairs, within Discord's limits."""
    out: list[app_commands.Choice[ChoiceValue]] = []
    for name, value in pairs:
        out.append(app_commands.Choice(name=clip(name, limits.CHOICE_NAME), value=convert(value)))
        if len(out) >= limits.CHOICES:
            break
    return out
