"""Ranking, tolerant names, snippets, citations on hits, per-server isolation, bad queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import UserError
from bot.library.loader import load_pack
from bot.library.search import SearchIndex, compact_query, excerpt_document, snippet
from bot.library.text import fold, terms

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def pack():
    return load_pack(CONTENT)


@pytest.fixture
def index(pack) -> SearchIndex:
    return SearchIndex.from_pack(pack)


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
def test_misspelt_names_find_their_author(index: SearchIndex, query: str, author: str) -> None:
    hits = index.search(query)
    assert hits, query
    assert any(
        author in h.citation.author or author in h.snippet.replace("**", "") for h in hits[:2]
    )


def test_fuzzy_name_reaches_text_that_spells_it_right(index: SearchIndex) -> None:
    index.add(
        excerpt_document("g1", "A. Member", "Notes", "2024", "We discussed Pirani at length.", 7)
    )
    hits = index.search("Piriani", guild_id=7)
    assert any(h.ref == "g1" and "**Pirani**" in h.snippet for h in hits)


def test_ranking_puts_the_most_relevant_first(index: SearchIndex) -> None:
    assert index.search("secret ballot")[0].ref == "1"
    top = [h.ref for h in index.search("handicraft artisan production")[:2]]
    assert top == ["kustar", "15"]  # the glossary's term for it, then the point
    assert index.search("henchmen")[0].ref == "malatesta-fabbri-1919"
    found = [h.ref for h in index.search("Petrichenko")]
    assert found[0] == "petrichenko"  # the glossary entry, then what mentions him
    assert "context" in found[:6]
    top = index.search("Kropotkin funeral")[0]
    assert (top.kind, top.ref) == ("event", "kropotkin-death")


def test_hits_carry_kind_and_citation(index: SearchIndex) -> None:
    hit = next(h for h in index.search("Fabbri") if h.kind == "excerpt")
    assert (hit.citation.author, hit.citation.work, hit.citation.date) == (
        "Errico Malatesta",
        "Letter to Luigi Fabbri",
        "30 July 1919",
    )
    assert str(hit.citation) == "Errico Malatesta, *Letter to Luigi Fabbri* (30 July 1919)"
    kinds = {h.kind for h in index.search("Kronstadt", limit=50)}
    assert kinds == {"excerpt", "reading", "point", "event", "glossary"}


def test_snippets_highlight_matches_and_escape_markdown(index: SearchIndex) -> None:
    hit = index.search("secret ballot")[0]
    assert "**secret** **ballot**" in hit.snippet
    body = "A *starred* word and the sailors_ rising " + "filler " * 80 + "sailors end"
    text = snippet(body, fold(body), {"sailor"})
    assert "\\*starred\\*" in text
    assert "**sailors**\\_" in text
    assert len(text) <= 260


def test_snippet_picks_the_densest_window() -> None:
    body = "Kronstadt once. " + "word " * 100 + "Kronstadt sailors, Kronstadt sailors again."
    text = snippet(body, fold(body), {"kronstadt", "sailor"})
    assert text.startswith("…")
    assert text.count("**") == 8


def test_added_excerpts_are_visible_only_in_their_guild(index: SearchIndex) -> None:
    index.add(
        excerpt_document("g10", "Nestor Makhno", "Memoir", "1929", "Huliaipole zemstvo kommuna", 1)
    )
    assert [h.ref for h in index.search("zemstvo", guild_id=1)] == ["g10"]
    assert index.search("zemstvo", guild_id=2) == []
    assert index.search("zemstvo") == []
    assert all(h.ref != "g10" for h in index.search("Makhno", guild_id=2, limit=100))
    assert any(h.ref == "g10" for h in index.search("Makhno", guild_id=1, limit=100))
    assert index.remove("guild-excerpt:g10", 1)
    assert index.search("zemstvo", guild_id=1) == []


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "the of and", "?!"])
def test_bad_queries_raise_user_errors(index: SearchIndex, query: str) -> None:
    with pytest.raises(UserError) as info:
        index.search(query)
    assert info.value.message


def test_limit_is_respected_and_unknown_words_give_no_hits(index: SearchIndex) -> None:
    assert len(index.search("Kronstadt", limit=3)) == 3
    assert index.search("qwxzvbn") == []


def test_large_guild_corpus_still_ranks_the_exact_match(index: SearchIndex) -> None:
    docs = [
        excerpt_document(f"g{k}", "Anon", "Bulk", "1921", f"workers party soviet number{k}", 5)
        for k in range(600)
    ]
    docs.append(
        excerpt_document("g999", "Anon", "Bulk", "1921", "workers party soviet zhelezniak", 5)
    )
    index.add_many(docs)
    assert index.search("zhelezniak workers", guild_id=5)[0].ref == "g999"
    assert len(index.search("workers party", guild_id=5, limit=100)) == 100


@pytest.mark.parametrize(
    "query",
    [
        "what did the sailors at kronstadt demand of the soviets and the party in 1921",
        "Piriani, Piriani!! — and PIRANI's workers",
        "Malatésta's letter (to Fabbri) about the dictatorship of the party",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
        "striking workers, strikes; struck",
    ],
)
def test_compact_query_searches_exactly_like_the_original(index: SearchIndex, query: str) -> None:
    compact = compact_query(query)
    assert len(compact) <= len(query)
    assert compact_query(compact) == compact
    assert index.search(compact, limit=100) == index.search(query, limit=100)


def test_compact_query_drops_stopwords_repeats_and_punctuation() -> None:
    assert compact_query("The sailors, the SAILORS and the sailor!") == "sailors"
    assert compact_query("the of and") == ""
