"""Ranked search over the pack and each server's own entries, in the database's full-text
engine (SQLite FTS5 or PostgreSQL full-text search), shared by every process.

The parts: :mod:`.analysis` (text to terms, questions to query plans), :mod:`.documents` (what
is searchable, and the hits), :mod:`.store` (writing documents, in the writer's transaction),
:mod:`.sql` (each engine's queries), :mod:`.fuzzy` (misspellings), :mod:`.ranking` (the final
order and snippets), :mod:`.snippets`, :mod:`.engine` (the search) and :mod:`.passages` (finding
the source of a quoted or paraphrased passage).
"""

from bot.library.search.analysis import MAX_QUERY_CHARS, compact_query
from bot.library.search.documents import (
    Citation,
    Hit,
    SearchDoc,
    excerpt_document,
    excerpt_key,
    pack_documents,
    reading_document,
)
from bot.library.search.engine import SearchEngine
from bot.library.search.snippets import snippet

__all__ = [
    "MAX_QUERY_CHARS",
    "Citation",
    "Hit",
    "SearchDoc",
    "SearchEngine",
    "compact_query",
    "excerpt_document",
    "excerpt_key",
    "pack_documents",
    "reading_document",
    "snippet",
]
