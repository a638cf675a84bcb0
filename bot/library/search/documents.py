"""What the search finds: documents built from the pack and from a server's own entries, and
the hits it returns.

A document keeps apart what a member sees (title, names, the passage, a context note) and
its tags, which only say what the hit's title or date already shows (a point's number, an
event's year). Each part is indexed as its own field, so a hit can always show the words that
matched, wherever they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.db.models.search import PACK_GUILD
from bot.library.loader import ContentPack
from bot.library.schemas import Excerpt, Reading
from bot.library.search.analysis import index_terms, point_tag

FIELDS = ("title", "names", "tags", "body", "note")
KINDS = ("excerpt", "reading", "point", "event", "glossary")


@dataclass(frozen=True, slots=True)
class Citation:
    author: str
    work: str
    date: str

    def __str__(self) -> str:
        return f"{self.author}, *{self.work}* ({self.date})"


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "excerpt" | "reading" | "point" | "event" | "glossary"
    ref: str  # the id to look it up again (pack id, "g<n>" for a server's excerpt)
    title: str
    snippet: str  # the matched words in bold; "Context: …" when only a note matched
    citation: Citation
    score: float
    guild_id: int | None
    locator: str = ""  # where it sits: page, chapter, section, point
    key: str = ""  # the search document's key ("point:8", "glossary:kursanty")


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable thing (``guild_id`` None for the pack's shared documents)."""

    key: str
    kind: str
    ref: str
    title: str
    citation: Citation
    body: str
    names: str = ""
    note: str = ""
    tags: str = ""
    locator: str = ""
    guild_id: int | None = None

    def row(self) -> dict[str, object]:
        """The ``search_documents`` row, with the analysed terms of each field."""
        row: dict[str, object] = {
            "guild_id": PACK_GUILD if self.guild_id is None else self.guild_id,
            "key": self.key[:100],
            "kind": self.kind,
            "ref": self.ref[:100],
            "title": self.title[:400],
            "names": self.names,
            "body": self.body,
            "note": self.note,
            "cite_author": self.citation.author[:300],
            "cite_work": self.citation.work[:400],
            "cite_date": self.citation.date[:100],
            "locator": self.locator[:400],
        }
        texts = {"title": self.title, "names": self.names, "tags": self.tags}
        texts |= {"body": self.body, "note": self.note}
        for name in FIELDS:
            row[f"terms_{name}"] = " ".join(index_terms(texts[name]))
        row["digest"] = self.digest
        return row

    @property
    def digest(self) -> str:
        """A fingerprint of everything stored for this document: a pack row is rewritten
        only when it changed."""
        parts: tuple[object, ...] = (self.key, self.kind, self.ref, self.title, self.citation)
        parts += (self.body, self.names, self.note, self.tags, self.locator, self.guild_id)
        return hashlib.sha1(repr(parts).encode()).hexdigest()


# -- the pack ---------------------------------------------------------------------------------
def pack_documents(pack: ContentPack) -> list[SearchDoc]:
    """Every excerpt, reading, resolution point, timeline event and glossary entry."""
    docs = [_pack_excerpt(pack, excerpt) for excerpt in pack.excerpts]
    docs += [_pack_reading(reading) for reading in pack.readings]
    docs += _resolution_documents(pack)
    docs += [
        SearchDoc(
            key=f"event:{event.id}",
            kind="event",
            ref=event.id,
            title=event.title,
            citation=Citation("Timeline", event.title, event.date),
            body=event.description,
            note=f"Old Style: {event.old_style}" if event.old_style else "",
            tags=event.date[:4],  # the year, shown with the date
            locator=f"timeline, {event.date}",
        )
        for event in pack.events
    ]
    docs += [
        SearchDoc(
            key=f"glossary:{entry.id}",
            kind="glossary",
            ref=entry.id,
            title=entry.name,
            citation=Citation("Glossary", entry.name, entry.dates or entry.kind),
            body=entry.summary,
            names=", ".join(entry.aliases),
            locator=f"glossary, {entry.kind}",
        )
        for entry in pack.glossary.entries
    ]
    return docs


def _pack_excerpt(pack: ContentPack, excerpt: Excerpt) -> SearchDoc:
    reading = pack.reading(excerpt.reading) if excerpt.reading else None
    where = [excerpt.locator or ""]
    if reading is not None and reading.full_title not in (excerpt.locator or ""):
        where.insert(0, reading.full_title)
    return SearchDoc(
        key=f"excerpt:{excerpt.id}",
        kind="excerpt",
        ref=excerpt.id,
        title=f"{excerpt.author} — {excerpt.work}",
        citation=Citation(excerpt.author, excerpt.work, excerpt.date),
        body=excerpt.text,
        names=excerpt.author,
        note=excerpt.note or "",
        locator=", ".join(w for w in where if w),
    )


def _pack_reading(reading: Reading) -> SearchDoc:
    return reading_document(
        reading.id,
        reading.full_title,
        reading.author_line,
        reading.date or str(reading.year),
        reading.summary,
        reading.aliases,
        note=" ".join(part for part in (reading.note, reading.where) if part),
    )


def _resolution_documents(pack: ContentPack) -> list[SearchDoc]:
    """One document per point, and one for the preamble and context."""
    resolution = pack.resolution
    adopted = resolution.adopted[0].date if resolution.adopted else ""
    source = pack.reading(resolution.reading or "")
    author = source.author_line if source else "Kronstadt resolution"
    docs = [
        SearchDoc(
            key=f"point:{point.number}",
            kind="point",
            ref=str(point.number),
            title=f"Point {point.number} of the Kronstadt resolution — {point.gist}",
            citation=Citation(author, f"{resolution.title}, point {point.number}", adopted),
            body=point.text,
            note=point.note,
            tags=point_tag(point.number),  # "point 8" in a question; the title shows it
            locator=f"the Kronstadt resolution, point {point.number} of {len(resolution.points)}",
        )
        for point in resolution.points
    ]
    docs.append(
        SearchDoc(
            key="resolution:context",
            kind="point",
            ref="context",
            title=f"{resolution.title} — preamble and context",
            citation=Citation(author, resolution.title, adopted),
            body=f"{resolution.preamble}\n\n{resolution.context}",
            names=", ".join(
                [*resolution.aliases, *([resolution.chair] if resolution.chair else [])]
            ),
            locator="the Kronstadt resolution, preamble and context",
        )
    )
    return docs


# -- a server's own ---------------------------------------------------------------------------
def reading_document(
    ref: str,
    title: str,
    authors: str,
    date: str,
    summary: str,
    aliases: Iterable[str] = (),
    guild_id: int | None = None,
    note: str = "",
) -> SearchDoc:
    """A reading, from the pack (``guild_id`` None) or added by a server."""
    names = ", ".join([authors, *aliases])
    return SearchDoc(
        key=f"reading:{ref}",
        kind="reading",
        ref=ref,
        title=f"{title} — {authors}",
        citation=Citation(authors, title, date),
        body=summary,
        names=names,
        note=note,
        locator="summary of the reading",
        guild_id=guild_id,
    )


def excerpt_document(
    ref: str, author: str, work: str, date: str, text: str, guild_id: int
) -> SearchDoc:
    """An excerpt a server added (``ref`` is its ``g<number>``)."""
    return SearchDoc(
        key=excerpt_key(ref),
        kind="excerpt",
        ref=ref,
        title=f"{author} — {work}",
        citation=Citation(author, work, date),
        body=text,
        names=author,
        locator=f"{work}, added by this server's organisers",
        guild_id=guild_id,
    )


def excerpt_key(ref: str) -> str:
    """The document key of a server's excerpt, to replace or remove it."""
    return f"excerpt:{ref}"
