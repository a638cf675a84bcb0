"""Discord's message and embed limits, and helpers that keep text inside them."""

from __future__ import annotations

from bot.text import one_line as one_line
from bot.text import truncate as truncate

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
