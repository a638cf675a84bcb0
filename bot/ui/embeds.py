"""Embeds that always fit: clipping to Discord's limits, and content grouped into pages.

Every embed leaves through :func:`fit`, and long content is split into pages by size as well
as by count, so nothing can exceed Discord's limits whatever an organiser typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import discord

from bot.ui import limits
from bot.ui.paginator import Page, clamp

T = TypeVar("T")
# Room left on a page for the title, footer and the odd field (6,000 in all per embed).
PAGE_CHARS = 3800
FIELDS_BUDGET = 5200


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


def page_of(embeds: Sequence[discord.Embed], number: int) -> Page:
    """The paginator's page ``number`` (clamped: an old button may point past the end)."""
    number = clamp(number, len(embeds))
    return Page(fit(embeds[number]), number, len(embeds))
