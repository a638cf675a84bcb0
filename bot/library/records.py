"""The library's value objects: reading cards, syllabus weeks, progress and quotes.

A card or quote comes either from the pack (shared, read-only) or from one server's own
additions (a database row); the constructors below build both shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.db.models.library import LibraryExcerpt, LibraryReading
from bot.errors import UserError
from bot.library.schemas import Excerpt, Person, Reading

MAX_WEEK = 52


def check_week(week: int) -> None:
    """Weeks run from 1 to :data:`MAX_WEEK`."""
    if not 1 <= week <= MAX_WEEK:
        raise UserError(f"Weeks run from 1 to {MAX_WEEK}; {week!r} is not one of them.")


@dataclass(frozen=True, slots=True)
class ReadingCard:
    """Everything a reading card shows; ``source`` is "pack" or "server"."""

    id: str
    title: str
    authors: str
    year: int | None
    summary: str | None
    url: str | None = None
    where: str | None = None
    length: str | None = None
    publisher: str | None = None
    week: int | None = None
    aliases: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    source: str = "pack"
    parts: tuple[str, ...] = ()  # the pack's split into parts; servers may override it


@dataclass(frozen=True, slots=True)
class SyllabusWeek:
    number: int
    label: str | None
    starts: date | None
    readings: tuple[ReadingCard, ...]


@dataclass(frozen=True, slots=True)
class Syllabus:
    weeks: tuple[SyllabusWeek, ...]
    unscheduled: tuple[ReadingCard, ...]
    current_week: int
    labels: Mapping[int, str] = field(default_factory=dict)

    def week(self, number: int) -> SyllabusWeek:
        """Week ``number`` (an empty one if nothing is assigned to it)."""
        for week in self.weeks:
            if week.number == number:
                return week
        return SyllabusWeek(number, self.labels.get(number), None, ())

    @property
    def current(self) -> SyllabusWeek:
        return self.week(min(self.current_week, MAX_WEEK))


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    reading: ReadingCard
    done_at: datetime


@dataclass(frozen=True, slots=True)
class Progress:
    done: tuple[ProgressEntry, ...]
    total: int  # readings on the server's syllabus (pack + server-added)


@dataclass(frozen=True, slots=True)
class Quote:
    """An excerpt ready to show; ``ref`` is the pack id or ``g<number>`` for a server's own."""

    ref: str
    author: str
    work: str
    date: str
    text: str
    reading_id: str | None
    source: str  # "pack" | "server"
    added_by: int | None = None
    created_at: datetime | None = None
    # Where the words come from (pack excerpts; a server's own have none of these).
    locator: str | None = None
    translator: str | None = None
    edition: str | None = None
    url: str | None = None
    quoted_in: str | None = None
    verbatim_note: str | None = None
    verified: bool = True


def pack_card(reading: Reading) -> ReadingCard:
    return ReadingCard(
        id=reading.id,
        title=reading.full_title,
        authors=reading.author_line,
        year=reading.year,
        summary=reading.summary,
        url=reading.url,
        where=reading.where,
        length=reading.length.describe() if reading.length else None,
        publisher=reading.publisher or reading.container,
        week=reading.week,
        aliases=tuple(reading.aliases),
        prompts=tuple(reading.prompts),
        source="pack",
        parts=tuple(reading.parts),
    )


def server_card(row: LibraryReading) -> ReadingCard:
    return ReadingCard(
        id=row.slug,
        title=row.title,
        authors=row.authors,
        year=row.year,
        summary=row.summary,
        url=row.url,
        source="server",
    )


def citable(card: ReadingCard) -> Reading:
    """A server-added reading in the pack's shape, so the citation styles apply to it."""
    people = [Person(name=n.strip()) for n in re.split(r",| and |;", card.authors) if n.strip()]
    reading = Reading.model_construct(
        id=card.id,
        kind="online" if card.url else "book",
        title=card.title,
        subtitle=None,
        authors=people,
        editors=[],
        translator=None,
        year=card.year or 0,
        date=None,
        publisher=None,
        place=None,
        container="Online" if card.url else None,
        url=card.url,
        where=None,
        length=None,
        week=None,
        aliases=[],
        summary=card.summary or "",
        prompts=[],
    )
    if card.year is None:
        reading = reading.model_copy(update={"date": "n.d."})
    return reading


def pack_quote(excerpt: Excerpt) -> Quote:
    return Quote(
        excerpt.id,
        excerpt.author,
        excerpt.work,
        excerpt.date,
        excerpt.text,
        excerpt.reading,
        "pack",
        locator=excerpt.locator,
        translator=excerpt.translator,
        edition=excerpt.edition,
        url=excerpt.url,
        quoted_in=excerpt.quoted_in,
        verbatim_note=excerpt.verbatim_note,
        verified=excerpt.verified,
    )


def server_quote(row: LibraryExcerpt) -> Quote:
    return Quote(
        ref=excerpt_ref(row.id),
        author=row.author,
        work=row.work,
        date=row.date_text,
        text=row.text,
        reading_id=row.reading_id,
        source="server",
        added_by=row.added_by,
        created_at=row.created_at,
    )


def excerpt_ref(number: int) -> str:
    """How a server's excerpt is named to members: ``g`` and its row id."""
    return f"g{number}"


def excerpt_number(ref: str) -> int | None:
    """The row id behind a ``g<number>`` reference (``None`` for anything else)."""
    ref = (ref or "").strip()
    if ref[:1] in ("g", "G") and ref[1:].isdigit():
        return int(ref[1:])
    return None
