"""Search in the database (SQLite FTS5 here, PostgreSQL full-text search with DATABASE_URL):
ranking, spellings, snippets from the field that matched, citations, per-server isolation,
the index kept in step with the writes, bad queries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import UserError
from bot.library.loader import load_pack
from bot.library.search import SearchEngine, compact_query, excerpt_document, snippet
from bot.library.search.store import delete_document, write_documents
from bot.library.service import LibraryService
from bot.library.text import fold, terms

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pack():
    return load_pack(CONTENT)


@pytest.fixture
async def search(pack, engine) -> SearchEngine:
    found = SearchEngine(engine, pack)
    await found.start()
    return found


async def add(engine, *docs) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: write_documents(c, docs))


def test_text_folding_and_stemming() -> None:
    assert fold("Malatésta ÉCRIT") == "malatesta ecrit"
    assert len(fold("Kronštadt’s")) == len("Kronštadt’s")
    assert terms("The Workers' committees, striking!") == ["worker", "committee", "strik"]


@pytest.mark.parametrize(
    ("query", "author"),
    [
        ("Piriani", "Simon Pirani"),
        ("mckay", "Iain McKay"),
        ("Malatesa", "Errico Malatesta"),
        ("Anarchpac", "Anarchopac"),
        ("Victor Sergé", "Victor Serge"),
    ],
)
async def test_misspelt_names_find_their_author(
    search: SearchEngine, query: str, author: str
) -> None:
    hits = await search.search(1, query)
    assert hits, query
    assert any(author in h.title or author in h.citation.author for h in hits[:2])


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("Tukhachevskii", "tukhachevsky"),
        ("Machno", "makhno"),
        ("Volin", "voline"),
        ("Izvestiia", "kronstadt-izvestia"),
        ("Piriani", "pirani"),
        ("Trotskii", "trotsky"),
    ],
)
async def test_other_spellings_find_the_person_or_term(
    search: SearchEngine, query: str, entry: str
) -> None:
    assert (await search.search(1, query))[0].key == f"glossary:{entry}"


async def test_a_spelling_reaches_text_that_spells_it_the_other_way(
    search: SearchEngine, engine
) -> None:
    await add(engine, excerpt_document("g1", "A. Member", "Notes", "2024", "We read Pirani.", 7))
    hits = await search.search(7, "Piriani")
    assert any(h.ref == "g1" and "**Pirani**" in h.snippet for h in hits)
    hits = await search.search(1, "Tukhachevskii")  # the texts spell it Tukhachevsky
    assert any("**Tukhachevsky**" in h.snippet for h in hits if h.kind == "event")


async def test_question_words_do_not_drive_the_ranking(search: SearchEngine) -> None:
    asked = await search.search(1, "what did the sailors demand")
    plain = await search.search(1, "sailors demand")
    assert [h.key for h in asked] == [h.key for h in plain]
    assert all("McKay" not in h.citation.author for h in asked[:5])
    top = await search.search(1, "what did point 8 demand?")
    assert top[0].key == "point:8"


async def test_ranking_puts_the_most_relevant_first(search: SearchEngine) -> None:
    assert (await search.search(1, "secret ballot"))[0].key == "point:1"
    top = [h.key for h in await search.search(1, "handicraft artisan production")][:2]
    assert set(top) == {"glossary:kustar", "point:15"}
    assert (await search.search(1, "henchmen"))[0].key == "excerpt:malatesta-fabbri-1919"
    found = [h.key for h in await search.search(1, "Petrichenko")]
    assert found[0] == "glossary:petrichenko"  # the entry, then what mentions him
    assert (await search.search(1, "Kropotkin funeral"))[0].key == "event:kropotkin-death"


async def test_hits_carry_kind_citation_and_where_they_sit(search: SearchEngine) -> None:
    hits = await search.search(1, "Fabbri dictatorship of one party")
    hit = next(h for h in hits if h.key == "excerpt:malatesta-fabbri-1919")
    assert (hit.citation.author, hit.citation.work, hit.citation.date) == (
        "Errico Malatesta",
        "Letter to Luigi Fabbri",
        "30 July 1919",
    )
    assert "pp. 38–39" in hit.locator
    kinds = {h.kind for h in await search.search(1, "Kronstadt", limit=100)}
    assert kinds == {"excerpt", "reading", "point", "event", "glossary"}


async def test_the_snippet_shows_the_words_that_matched(search: SearchEngine) -> None:
    hit = (await search.search(1, "secret ballot"))[0]
    assert "**secret** **ballot**" in hit.snippet
    # "say" matches point 14 only in its context note: the snippet shows that note.
    for hit in await search.search(1, "say", limit=100):
        assert "**" in hit.snippet or set(terms(hit.title)) & {"say"}, hit
    point14 = next(h for h in await search.search(1, "say", limit=100) if h.key == "point:14")
    assert point14.snippet.startswith("Context: ")
    assert "**says**" in point14.snippet


def test_snippets_escape_markdown_and_pick_the_densest_window() -> None:
    body = "A *starred* word and the sailors_ rising " + "filler " * 80 + "sailors end"
    text_ = snippet(body, fold(body), {"sailor"})
    assert "\\*starred\\*" in text_
    assert "**sailors**\\_" in text_
    assert len(text_) <= 260
    body = "Kronstadt once. " + "word " * 100 + "Kronstadt sailors, Kronstadt sailors again."
    text_ = snippet(body, fold(body), {"kronstadt", "sailor"})
    assert text_.startswith("…")
    assert text_.count("**") == 8


async def test_a_servers_documents_are_visible_only_there(search: SearchEngine, engine) -> None:
    doc = excerpt_document("g10", "Nestor Makhno", "Memoir", "1929", "Huliaipole zemstvo", 1)
    await add(engine, doc)
    assert [h.ref for h in await search.search(1, "zemstvo")] == ["g10"]
    assert await search.search(2, "zemstvo") == []
    assert all(h.ref != "g10" for h in await search.search(2, "Makhno", limit=100))
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: delete_document(c, 1, doc.key))
        left = await conn.execute(text("SELECT count(*) FROM search_documents WHERE guild_id = 1"))
        assert left.scalar_one() == 0
    assert await search.search(1, "zemstvo") == []


async def test_the_service_keeps_the_index_in_step_with_its_writes(pack, session_factory) -> None:
    library = LibraryService(pack, session_factory, clock=lambda: NOW)
    quote = await library.add_excerpt(
        1, 9, "Ida Mett", "The Kronstadt Commune", "1938", "The zemstvo met."
    )
    assert [h.ref for h in await library.search(1, "zemstvo")] == [quote.ref]
    await library.add_reading(1, 9, "Anarchy Works", "Peter Gelderloos", 2010)
    assert [h.ref for h in await library.search(1, "Gelderloos")] == ["anarchy-works"]
    assert await library.search(2, "Gelderloos") == []
    await library.remove_excerpt(1, quote.ref)
    assert await library.search(1, "zemstvo") == []


async def test_restarting_rewrites_only_what_changed_in_the_pack(pack, engine) -> None:
    first = SearchEngine(engine, pack)
    await first.start()
    async with engine.connect() as conn:
        before = (await conn.execute(text("SELECT max(id) FROM search_documents"))).scalar_one()
    again = SearchEngine(engine, pack)
    await again.start()
    async with engine.connect() as conn:
        after = (await conn.execute(text("SELECT max(id) FROM search_documents"))).scalar_one()
        count = await conn.execute(text("SELECT count(*) FROM search_documents"))
        assert count.scalar_one() == len(first._pack_docs)
    assert after == before


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "the of and", "?!"])
async def test_bad_queries_raise_user_errors(search: SearchEngine, query: str) -> None:
    with pytest.raises(UserError) as info:
        await search.search(1, query)
    assert info.value.message


async def test_limit_is_respected_and_unknown_words_give_no_hits(search: SearchEngine) -> None:
    assert len(await search.search(1, "Kronstadt", limit=3)) == 3
    assert await search.search(1, "qwxzvbn") == []


async def test_a_large_server_still_ranks_the_exact_match(search: SearchEngine, engine) -> None:
    docs = [
        excerpt_document(f"g{k}", "Anon", "Bulk", "1921", f"workers party soviet number{k}", 5)
        for k in range(600)
    ]
    docs.append(excerpt_document("g999", "Anon", "Bulk", "1921", "workers party zhelezniak", 5))
    await add(engine, *docs)
    assert (await search.search(5, "zhelezniak workers"))[0].ref == "g999"
    assert len(await search.search(5, "workers party", limit=100)) == 100


@pytest.mark.parametrize(
    "query",
    [
        "what did the sailors at kronstadt demand of the soviets and the party in 1921",
        "Piriani, Piriani!! — and PIRANI's workers",
        "Malatésta's letter (to Fabbri) about the dictatorship of the party",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
        "striking workers, strikes; struck",
        "what did point 8 demand?",
    ],
)
async def test_compact_query_searches_exactly_like_the_original(
    search: SearchEngine, query: str
) -> None:
    compact = compact_query(query)
    assert len(compact) <= len(query)
    assert compact_query(compact) == compact
    assert await search.search(1, compact, limit=100) == await search.search(1, query, limit=100)
