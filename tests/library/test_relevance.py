"""The relevance set: every question a member would ask finds its answer in the top three, on
SQLite and (with DATABASE_URL) on PostgreSQL. ``python -m bench.search`` prints hit@1/hit@3."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.relevance import RELEVANCE
from bot.library.loader import load_pack
from bot.library.search import SearchEngine

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
async def search(engine) -> SearchEngine:
    found = SearchEngine(engine, load_pack(CONTENT))
    await found.start()
    return found


def test_the_set_is_large_and_every_answer_exists() -> None:
    from bot.library.search import pack_documents

    keys = {doc.key for doc in pack_documents(load_pack(CONTENT))}
    assert len(RELEVANCE) >= 40
    assert {want for _, want in RELEVANCE} <= keys


async def test_every_question_finds_its_answer_in_the_top_three(search: SearchEngine) -> None:
    missed = []
    first = 0
    for question, want in RELEVANCE:
        keys = [hit.key for hit in await search.search(42, question, limit=3)]
        first += keys[:1] == [want]
        if want not in keys:
            missed.append((question, want, keys))
    assert missed == []
    assert first / len(RELEVANCE) >= 0.8  # and most of them first
