"""Replies to questions asked in chat and to "Find the source": one cited passage per page.

Pure functions from search results to embeds; the member's question is echoed only inside an
embed, and every embed leaves through :func:`bot.ui.embeds.fit`.
"""

from __future__ import annotations

import discord

from bot.library.search import Hit
from bot.library.search.passages import SourceMatch
from bot.text import neutralise_mentions
from bot.ui import limits
from bot.ui.embeds import clip, clip_markdown, fit
from bot.ui.library import COLOUR, KIND_MARKS, citation_line, hit_command

HINT = (
    "Ask me something after the mention, e.g. `@Study Circle what did point 8 demand?` — "
    "or use `/source search`."
)
NOTHING = (
    "I found nothing on that in the readings, the resolution, the timeline or the glossary. "
    "Try a name, a place or a distinctive word, or `/source search`."
)
NOT_FOUND = (
    "I couldn't find a passage close enough to that message in this server's readings, "
    "excerpts, the resolution, the timeline or the glossary. It may come from a text the "
    "library does not have, or be worded too differently; `/source search` with a few of its "
    "words may still help."
)
TOO_SHORT = "That message is too short to trace: a quotation needs at least a few words."


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _source_fields(embed: discord.Embed, hit: Hit) -> None:
    embed.add_field(name="Source", value=citation_line(hit), inline=False)
    if hit.locator:
        embed.add_field(name="Where", value=clip(hit.locator, 300), inline=False)
    if command := hit_command(hit):
        embed.add_field(name="More", value=f"`{command}`", inline=False)


def answer_embed(hit: Hit, question: str, number: int, total: int) -> discord.Embed:
    """Result ``number`` (1-based) of ``total`` for a question asked in chat."""
    mark = KIND_MARKS.get(hit.kind, "•")
    embed = discord.Embed(
        title=clip(f"{mark} {hit.title}", limits.EMBED_TITLE),
        description=_quote(clip_markdown(hit.snippet or hit.title, 1500)),
        colour=COLOUR,
    )
    asked = neutralise_mentions(" ".join(question.split()))
    embed.set_author(name=clip(f"You asked: {asked}", limits.EMBED_AUTHOR))
    _source_fields(embed, hit)
    which = "Best answer" if number == 1 else f"Answer {number}"
    embed.set_footer(text=f"{which} of {total} · more results: Next ▶ · /source search")
    return fit(embed)


def source_embed(match: SourceMatch) -> discord.Embed:
    """Where a quoted or paraphrased message comes from."""
    hit = match.hit
    closeness = "word for word" if match.score >= 99.5 else f"{match.score:.0f}% alike"
    embed = discord.Embed(
        title=clip(f"Found: {hit.title}", limits.EMBED_TITLE),
        description=_quote(clip(match.passage, 1500)),
        colour=COLOUR,
    )
    _source_fields(embed, hit)
    if match.in_note:
        embed.add_field(name="Found in", value="the pack's context note", inline=False)
    embed.set_footer(text=f"The message matches this passage {closeness}.")
    return fit(embed)
