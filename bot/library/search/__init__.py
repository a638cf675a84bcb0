"""Ranked search over the pack and each server's own entries.

The parts: :mod:`.documents` (what is searchable, and the hits), :mod:`.postings` (BM25 weights
and the fuzzy vocabulary of one set of documents), :mod:`.index` (the shared and per-server
indexes, queries and ranking) and :mod:`.snippets` (the highlighted text of a hit).
"""

from bot.library.search.documents import (
    Citation,
    Document,
    Hit,
    excerpt_document,
    guild_excerpt_key,
    pack_documents,
    reading_document,
)
from bot.library.search.index import MAX_QUERY_CHARS, SearchIndex, compact_query
from bot.library.search.snippets import snippet

__all__ = [
    "MAX_QUERY_CHARS",
    "Citation",
    "Document",
    "Hit",
    "SearchIndex",
    "compact_query",
    "excerpt_document",
    "guild_excerpt_key",
    "pack_documents",
    "reading_document",
    "snippet",
]
