"""IANA time-zone names: validation with suggestions, and ranked autocomplete."""

from __future__ import annotations

import zoneinfo
from functools import cache

from rapidfuzz import fuzz, process

from bot.errors import UserError

MAX_CHOICES = 25


@cache
def zone_names() -> tuple[str, ...]:
    # "localtime" and the like are not portable names a server should store.
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


@cache
def _by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


def resolve_zone(text: str) -> zoneinfo.ZoneInfo:
    """The zone named by ``text`` (case-insensitive), or a UserError suggesting close names."""
    cleaned = text.strip().replace(" ", "_")
    name = _by_folded_name().get(cleaned.casefold())
    if name is None:
        suggestions = [match for match, _score, _ in _ranked(cleaned, 3)]
        hint = f" Did you mean {', '.join(f'`{s}`' for s in suggestions)}?" if suggestions else ""
        raise UserError(
            f"`{text[:64]}` is not a time zone I know. Use an IANA name such as "
            f"`Europe/London` or `America/New_York`.{hint}"
        )
    return zoneinfo.ZoneInfo(name)


def _ranked(query: str, limit: int) -> list[tuple[str, float, int]]:
    return process.extract(
        query.replace(" ", "_"), zone_names(), scorer=fuzz.WRatio, limit=limit, score_cutoff=60
    )


def zone_choices(query: str, limit: int = MAX_CHOICES) -> list[str]:
    """Up to ``limit`` zone names for autocomplete: prefix matches first, then fuzzy ones."""
    query = query.strip()
    if not query:
        popular = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Chicago",
            "America/Los_Angeles",
            "Asia/Tokyo",
            "Australia/Sydney",
        ]
        return popular[:limit]
    folded = query.casefold().replace(" ", "_")
    contains = [z for z in zone_names() if folded in z.casefold()]
    contains.sort(key=lambda z: (not z.casefold().split("/")[-1].startswith(folded), len(z), z))
    choices = contains[:limit]
    if len(choices) < limit:
        for name, _score, _ in _ranked(query, limit):
            if name not in choices:
                choices.append(name)
            if len(choices) == limit:
                break
    return choices
