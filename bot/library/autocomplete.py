"""Autocomplete suggestions for readings, authors, excerpts, resolution points and years.

Suggestions are (name shown, value sent back) pairs within Discord's limits; they are ranked
tolerantly, so a misspelt name still finds its reading or author.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.library.excerpts import ExcerptCollection
from bot.library.loader import ContentPack
from bot.library.readings import ReadingCatalogue
from bot.library.records import MAX_WEEK
from bot.library.text import normalise_key
from bot.text import one_line

MAX_CHOICES = 25
CHOICE_CHARS = 100

Choice = tuple[str, str]  # (name shown, value sent back); both <= 100 characters


def rank(query: str, items: Sequence[tuple[str, str, str]]) -> list[Choice]:
    """Rank (search key, name, value) items for autocomplete; empty query keeps the given order."""
    key = normalise_key(query)
    if not key:
        return [
            (one_line(name, CHOICE_CHARS), one_line(value, CHOICE_CHARS))
            for _, name, value in items[:MAX_CHOICES]
        ]
    scored: list[tuple[float, int, str, str]] = []
    for position, (search_key, name, value) in enumerate(items):
        score = fuzz.WRatio(key, search_key)
        if search_key.startswith(key) or f" {key}" in search_key:
            score += 25
        if score >= 60:
            scored.append((-score, position, name, value))
    scored.sort()
    return [
        (one_line(name, CHOICE_CHARS), one_line(value, CHOICE_CHARS))
        for _, _, name, value in scored[:MAX_CHOICES]
    ]


class Autocomplete:
    """Suggestions for what a member is typing, from the pack and this server's entries."""

    def __init__(
        self, pack: ContentPack, catalogue: ReadingCatalogue, excerpts: ExcerptCollection
    ) -> None:
        self.pack = pack
        self._catalogue = catalogue
        self._excerpts = excerpts

    async def readings(self, guild_id: int, current: str) -> list[Choice]:
        """Readings in syllabus order (unscheduled last) for an empty query."""
        cards = await self._catalogue.all(guild_id)
        cards.sort(key=lambda c: c.week or MAX_WEEK + 1)
        items = [
            (
                normalise_key(f"{c.title} {c.authors} {' '.join(c.aliases)}"),
                f"{c.title} — {c.authors}" + (f" ({c.year})" if c.year else ""),
                c.id,
            )
            for c in cards
        ]
        return rank(current, items)

    async def authors(self, guild_id: int, current: str) -> list[Choice]:
        """Pack authors (found by their readings' aliases too), then excerpt authors."""
        names: dict[str, None] = dict.fromkeys(self.pack.author_names())
        for quote in await self._excerpts.all(guild_id):
            names.setdefault(quote.author, None)
        aliases: dict[str, list[str]] = {}
        for reading in self.pack.readings:
            if len(reading.people) == 1:
                aliases.setdefault(reading.people[0].name, []).extend(reading.aliases)
        items = [(normalise_key(f"{n} {' '.join(aliases.get(n, []))}"), n, n) for n in names]
        return rank(current, items)

    async def excerpts(self, guild_id: int, current: str) -> list[Choice]:
        items = [
            (
                normalise_key(f"{q.author} {q.work} {q.text[:200]}"),
                f"{q.author} — {q.text}",
                q.ref,
            )
            for q in await self._excerpts.all(guild_id)
        ]
        return rank(current, items)

    def points(self, current: str) -> list[Choice]:
        """Resolution points by number prefix ("1" -> 1, 10-15) or by their words."""
        points = self.pack.resolution.points
        text = (current or "").strip()
        if text.isdigit():
            exact = [p for p in points if str(p.number) == text]
            rest = [p for p in points if str(p.number).startswith(text) and p not in exact]
            chosen = exact + rest
            return [
                (one_line(f"{p.number} — {p.gist}", CHOICE_CHARS), str(p.number)) for p in chosen
            ][:MAX_CHOICES]
        items = [
            (normalise_key(f"{p.gist} {p.text}"), f"{p.number} — {p.gist}", str(p.number))
            for p in points
        ]
        return rank(text, items)

    def years(self, current: str) -> list[Choice]:
        """Timeline years starting with what is typed."""
        years = sorted({e.year for e in self.pack.events})
        text = (current or "").strip()
        return [(str(y), str(y)) for y in years if str(y).startswith(text)][:MAX_CHOICES]
