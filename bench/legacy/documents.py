"""[Legacy, benchmark only] What the search finds: documents built from the pack and from a server's own entries, and
the hits it returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.library.loader import ContentPack
from bot.library.schemas import Excerpt


@dataclass(frozen=True, slots=True)
class Citation:
    author: str
    work: str
    date: str

    def __str__(self) -> str:
        return f"{self.author}, *{self.work}* ({self.date})"


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "excerpt" | "reading" | "point" | "event"
    ref: str  # the id to look it up again (pack id, "g<n>" for a server's excerpt)
    title: str
    snippet: str
    citation: Citation
    score: float
    guild_id: int | None


@dataclass(slots=True)
class Document:
    """One searchable thing. ``fields`` maps a field name (see ``postings.BOOSTS``) to its text."""

    key: str
    kind: str
    ref: str
    title: str
    citation: Citation
    fields: Mapping[str, str]
    guild_id: int | None = None


def pack_documents(pack: ContentPack) -> list[Document]:
    """Every excerpt, reading, resolution point and timeline event of the pack."""
    docs = [_pack_excerpt(excerpt) for excerpt in pack.excerpts]
    docs += [
        reading_document(
            reading.id,
            reading.full_title,
            reading.author_line,
            reading.date or str(reading.year),
            reading.summary,
            reading.aliases,
        )
        for reading in pack.readings
    ]
    docs += _resolution_documents(pack)
    docs += [
        Document(
            key=f"event:{event.id}",
            kind="event",
            ref=event.id,
            title=f"{event.date} — {event.title}",
            citation=Citation("Timeline", event.title, event.date),
            fields={"title": event.title, "body": event.description, "tags": event.date[:4]},
        )
        for event in pack.events
    ]
    docs += [
        Document(
            key=f"glossary:{entry.id}",
            kind="glossary",
            ref=entry.id,
            title=f"{entry.name} — {entry.kind}",
            citation=Citation("Glossary", entry.name, entry.dates or ""),
            fields={"title": entry.name, "alias": " ".join(entry.aliases), "body": entry.summary},
        )
        for entry in pack.glossary.entries
    ]
    return docs


def _pack_excerpt(excerpt: Excerpt) -> Document:
    return Document(
        key=f"excerpt:{excerpt.id}",
        kind="excerpt",
        ref=excerpt.id,
        title=f"{excerpt.author} — {excerpt.work}",
        citation=Citation(excerpt.author, excerpt.work, excerpt.date),
        fields={
            "author": excerpt.author,
            "work": excerpt.work,
            "tags": " ".join(excerpt.tags),
            "body": excerpt.text,
        },
    )


def _resolution_documents(pack: ContentPack) -> list[Document]:
    """One document per point, and one for the preamble and context."""
    resolution = pack.resolution
    adopted = resolution.adopted[0].date if resolution.adopted else ""
    source = pack.reading(resolution.reading or "")
    author = source.author_line if source else "Kronstadt resolution"
    docs = [
        Document(
            key=f"point:{point.number}",
            kind="point",
            ref=str(point.number),
            title=f"Point {point.number} — {point.gist}",
            citation=Citation(author, f"{resolution.title}, point {point.number}", adopted),
            fields={
                "title": point.gist,
                "body": point.text,
                "note": point.note,
                "tags": "kronstadt resolution point",
            },
        )
        for point in resolution.points
    ]
    docs.append(
        Document(
            key="resolution:context",
            kind="point",
            ref="context",
            title=f"{resolution.title} — preamble and context",
            citation=Citation(author, resolution.title, adopted),
            fields={
                "title": resolution.title,
                "author": resolution.chair or "",
                "body": f"{resolution.preamble}\n\n{resolution.context}",
                "tags": "kronstadt resolution",
            },
        )
    )
    return docs


def reading_document(
    ref: str,
    title: str,
    authors: str,
    date: str,
    summary: str,
    aliases: Iterable[str] = (),
    guild_id: int | None = None,
) -> Document:
    """A reading, from the pack (``guild_id`` None) or added by a server."""
    key = f"reading:{ref}" if guild_id is None else f"guild-reading:{ref}"
    return Document(
        key=key,
        kind="reading",
        ref=ref,
        title=f"{title} — {authors}",
        citation=Citation(authors, title, date),
        fields={"title": title, "author": authors, "alias": " ".join(aliases), "body": summary},
        guild_id=guild_id,
    )


def excerpt_document(
    ref: str, author: str, work: str, date: str, text: str, guild_id: int
) -> Document:
    """An excerpt a server added (``ref`` is its ``g<number>``)."""
    return Document(
        key=guild_excerpt_key(ref),
        kind="excerpt",
        ref=ref,
        title=f"{author} — {work}",
        citation=Citation(author, work, date),
        fields={"author": author, "work": work, "body": text},
        guild_id=guild_id,
    )


def guild_excerpt_key(ref: str) -> str:
    """The index key of a server's excerpt, to replace or remove it."""
    return f"guild-excerpt:{ref}"
