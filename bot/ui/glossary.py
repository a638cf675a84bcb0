"""The /who card: one glossary entry with everything in the pack that discusses it.

Links are written as the commands that show more (``/kronstadt point:12``, ``/timeline
year:1921``, ``/who name:…``), so a member can follow them without knowing the pack's ids.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.library.glossary import GlossaryEntry
from bot.library.loader import ContentPack
from bot.ui import limits
from bot.ui.embeds import clip, fit
from bot.ui.library import COLOUR, partial_date

KIND_LABELS = {
    "person": "Person",
    "organisation": "Organisation",
    "place": "Place",
    "term": "Term",
}
MAX_LINES = 8  # per field; the rest is counted, never silently dropped


def who_name(entry: GlossaryEntry) -> str:
    """The shortest natural thing to type after ``/who`` for an entry ("Kronstadt", not
    "the Kronstadt fortress" when both are its names): its name without a leading "the"."""
    name = entry.name
    return name[4:] if name.lower().startswith("the ") else name


def see_who(entries: Iterable[GlossaryEntry], limit: int = MAX_LINES) -> str | None:
    """``See `/who kursanty`, `/who Petrichenko``` for the entries about a point or an event."""
    items = list(entries)
    if not items:
        return None
    shown = [f"`/who {who_name(e)}`" for e in items[:limit]]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return "See " + ", ".join(shown) + more


def _lines_field(embed: discord.Embed, name: str, lines: list[str]) -> None:
    if not lines:
        return
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(f"…and {len(lines) - MAX_LINES} more")
    value = "\n".join(shown)
    while len(value) > limits.EMBED_FIELD_VALUE and len(shown) > 1:
        shown = [*shown[:-2], f"…and {len(lines) - len(shown) + 2} more"]
        value = "\n".join(shown)
    embed.add_field(name=name, value=clip(value, limits.EMBED_FIELD_VALUE), inline=False)


def who_embed(entry: GlossaryEntry, pack: ContentPack) -> discord.Embed:
    """Name, kind, dates, other spellings and summary, then the readings, points, events,
    excerpts and related entries that discuss it."""
    embed = discord.Embed(title=entry.name, description=entry.summary, colour=COLOUR)
    facts = KIND_LABELS.get(entry.kind, entry.kind)
    if entry.dates:
        facts += f" · {entry.dates}"
    embed.set_author(name=clip(facts, limits.EMBED_AUTHOR))
    if entry.aliases:
        embed.add_field(
            name="Also written",
            value=clip(", ".join(entry.aliases), limits.EMBED_FIELD_VALUE),
            inline=False,
        )
    readings = [r for r in map(pack.reading, entry.readings) if r is not None]
    _lines_field(
        embed,
        "Readings",
        [
            f"• *{r.full_title}* — {r.author_line} · `/reading info reading:{r.id}`"
            for r in readings
        ],
    )
    points = [p for p in map(pack.point, entry.points) if p is not None]
    _lines_field(
        embed,
        "Kronstadt resolution",
        [f"• Point {p.number}: {p.gist} · `/kronstadt point:{p.number}`" for p in points],
    )
    events = {e.id: e for e in pack.events}
    dated = sorted((events[i] for i in entry.events if i in events), key=lambda e: e.date)
    _lines_field(embed, "Timeline", [f"• **{partial_date(e.date)}** — {e.title}" for e in dated])
    excerpts = [x for x in map(pack.excerpt, entry.excerpts) if x is not None]
    _lines_field(
        embed,
        "Quoted in",
        [f"• {x.author}, *{clip(x.work, 120)}* ({x.date}) · excerpt `{x.id}`" for x in excerpts],
    )
    related = [e for e in map(pack.glossary.get, entry.see_also) if e is not None]
    _lines_field(embed, "See also", [f"• {e.name} · `/who name:{who_name(e)}`" for e in related])
    embed.set_footer(text="From the content pack's glossary · search everything: /source search")
    return fit(embed)
