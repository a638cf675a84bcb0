"""Indexing what servers added before search moved into the database (run by migration
0005 once, with the migration's connection)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.library.records import excerpt_ref
from bot.library.search.documents import SearchDoc, excerpt_document, reading_document
from bot.library.search.store import write_documents


def index_existing_entries(conn: Connection) -> int:
    """A search document for every server excerpt and reading already stored."""
    docs: list[SearchDoc] = []
    excerpts = conn.execute(
        text("SELECT id, guild_id, author, work, date_text, text FROM library_excerpts")
    )
    for number, guild_id, author, work, date, body in excerpts:
        docs.append(excerpt_document(excerpt_ref(number), author, work, date, body, guild_id))
    readings = conn.execute(
        text("SELECT guild_id, slug, title, authors, year, summary FROM library_readings")
    )
    for guild_id, slug, title, authors, year, summary in readings:
        docs.append(
            reading_document(
                slug, title, authors, str(year or ""), summary or "", guild_id=guild_id
            )
        )
    return write_documents(conn, docs)
