"""Discord's message and embed limits, and helpers that keep text inside them."""

from __future__ import annotations

import discord

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_FIELDS = 25
EMBED_TOTAL = 6000
CHOICES = 25
CHOICE_NAME = 100


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chunk(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most ``limit`` characters, preferring paragraph breaks."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts against the 6,000-character total of an embed."""
    return len(embed)


def fits(embed: discord.Embed) -> bool:
    return len(embed) <= EMBED_TOTAL and len(embed.fields) <= EMBED_FIELDS
