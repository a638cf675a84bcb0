"""Benchmark /source search's search function on a 10,000-excerpt corpus.

Run: .venv/bin/python bench/search.py [--excerpts 10000] [--queries 400] [--seed 1921]

Builds a deterministic synthetic corpus (seeded; plausible words and names), adds it as one
server's organiser-added excerpts next to the shipped pack, then times a few hundred mixed
queries (common words, names, misspelt names, phrases, rare words) through
``SearchIndex.search`` and through a naive ``LIKE '%term%'`` scan of the same rows in an
in-memory SQLite database. Prints p50/p99 of both and their ratio, in one run.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from pathlib import Path

from bot.library.loader import load_pack
from bot.library.search import SearchIndex, excerpt_document
from bot.library.text import terms

GUILD = 4242
NAMES = [
    "Malatesta",
    "Kropotkin",
    "Makhno",
    "Voline",
    "Serge",
    "Trotsky",
    "Lenin",
    "Zinoviev",
    "Kollontai",
    "Shlyapnikov",
    "Petrichenko",
    "Kalinin",
    "Maximoff",
    "Berkman",
    "Goldman",
    "Bakunin",
    "Fabbri",
    "Pirani",
    "Brinton",
    "McKay",
    "Bukharin",
    "Dzerzhinsky",
    "Kozlovsky",
    "Arshinov",
    "Baron",
    "Aleksandrovich",
    "Tukhachevsky",
    "Dybenko",
    "Raskolnikov",
    "Sverdlov",
    "Chernov",
    "Martov",
    "Dan",
    "Steinberg",
    "Spiridonova",
    "Shatov",
    "Schapiro",
    "Yarchuk",
    "Gorelik",
    "Rocker",
]
PLACES = [
    "Kronstadt",
    "Petrograd",
    "Moscow",
    "Ukraine",
    "Huliaipole",
    "Starobelsk",
    "Dmitrov",
    "Kharkiv",
    "Odessa",
    "Kiev",
    "Tambov",
    "Finland",
    "Crimea",
    "Petropavlovsk",
    "Sevastopol",
    "Yekaterinoslav",
    "Baltic",
    "Volga",
]
WORDS = [
    "soviet",
    "soviets",
    "workers",
    "worker",
    "peasants",
    "peasant",
    "sailors",
    "sailor",
    "party",
    "dictatorship",
    "revolution",
    "revolutionary",
    "counter",
    "committee",
    "committees",
    "factory",
    "factories",
    "control",
    "management",
    "strike",
    "strikes",
    "union",
    "unions",
    "election",
    "elections",
    "ballot",
    "secret",
    "press",
    "speech",
    "freedom",
    "assembly",
    "prisoners",
    "prison",
    "camp",
    "commission",
    "ration",
    "rations",
    "grain",
    "requisition",
    "requisitioning",
    "market",
    "trade",
    "army",
    "detachment",
    "detachments",
    "guard",
    "guards",
    "cadets",
    "fleet",
    "battleship",
    "squadron",
    "resolution",
    "meeting",
    "congress",
    "faction",
    "factions",
    "opposition",
    "democracy",
    "democratic",
    "bureaucracy",
    "bureaucrat",
    "commissar",
    "commissars",
    "decree",
    "decrees",
    "state",
    "power",
    "government",
    "council",
    "councils",
    "anarchist",
    "anarchists",
    "syndicalist",
    "syndicalists",
    "communist",
    "communists",
    "bolshevik",
    "bolsheviks",
    "menshevik",
    "socialist",
    "socialists",
    "left",
    "right",
    "central",
    "executive",
    "civil",
    "war",
    "peace",
    "bread",
    "land",
    "famine",
    "hunger",
    "winter",
    "spring",
    "march",
    "february",
    "october",
    "november",
    "december",
    "january",
    "april",
    "terror",
    "cheka",
    "arrest",
    "arrests",
    "shooting",
    "executed",
    "exile",
    "letter",
    "letters",
    "memoirs",
    "pamphlet",
    "article",
    "essay",
    "history",
    "historian",
    "workplace",
    "self",
    "managed",
    "federation",
    "free",
    "voluntary",
    "mutual",
    "aid",
    "production",
    "artisan",
    "handicraft",
    "labour",
    "labor",
    "discipline",
    "militarisation",
    "taylor",
    "piecework",
    "specialist",
    "specialists",
    "manager",
    "one",
    "man",
    "collegial",
    "trade-union",
    "debate",
    "platform",
    "programme",
    "program",
    "demands",
    "demand",
    "principle",
    "principles",
    "class",
    "classes",
    "proletariat",
    "proletarian",
    "vanguard",
    "masses",
    "mass",
    "privilege",
    "privileges",
    "privileged",
    "elite",
    "new",
    "economic",
    "policy",
    "tax",
    "kind",
    "insurgent",
    "insurgents",
    "rebellion",
    "rising",
    "uprising",
    "suppression",
    "suppressed",
    "crushed",
    "ice",
    "assault",
    "artillery",
    "fortress",
    "forts",
    "street",
    "defenders",
]
TITLES = [
    "Memoirs of a Revolutionary",
    "The Guillotine at Work",
    "The Unknown Revolution",
    "The Bolshevik Myth",
    "My Disillusionment in Russia",
    "Letters from Russia",
    "The Russian Tragedy",
    "Anarchy and Organisation",
    "Factory Committees",
    "The Kronstadt Rebellion",
    "Izvestiia of the Provisional Revolutionary Committee",
    "Pages from the Past",
]


ONSETS = [
    "b",
    "br",
    "ch",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "k",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "tr",
    "v",
    "vl",
    "z",
    "zh",
]
VOWELS = ["a", "e", "i", "o", "u", "ia", "ie", "o", "a", "e"]
CODAS = ["", "", "n", "r", "l", "s", "st", "nt", "v", "k", "m"]
SUFFIXES = ["", "", "", "s", "ed", "ing", "ov", "ism", "ist", "ion", "ity", "al"]


def pseudo_words(n: int, rng: random.Random) -> list[str]:
    """Pronounceable made-up words for the long tail of a realistic vocabulary."""
    words: dict[str, None] = {}
    while len(words) < n:
        syllables = rng.choice([1, 2, 2, 3, 3, 4])
        stem = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
        words.setdefault(stem + rng.choice(CODAS) + rng.choice(SUFFIXES), None)
    return list(words)


def synthetic_corpus(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    # Zipf weights over real domain words (the frequent head), names and places, then a long
    # tail of made-up words, roughly the shape of real prose once stopwords are removed.
    head = WORDS + NAMES + PLACES
    rng.shuffle(head)
    vocab = head + pseudo_words(12_000, rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    rows = []
    for _ in range(n):
        author = (
            f"{rng.choice(['A.', 'B.', 'G. P.', 'I.', 'M.', 'N.', 'S.', 'V.'])} {rng.choice(NAMES)}"
        )
        work = rng.choice(TITLES)
        year = rng.randint(1917, 1960)
        words = rng.choices(vocab, weights=weights, k=rng.randint(40, 140))
        sentences, start = [], 0
        while start < len(words):
            size = rng.randint(8, 20)
            chunk = words[start : start + size]
            sentences.append(" ".join(chunk).capitalize() + ".")
            start += size
        rows.append((author, work, str(year), " ".join(sentences)))
    return rows


def misspell(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    k = rng.randrange(1, len(word) - 1)
    op = rng.choice(["drop", "swap", "double"])
    if op == "drop":
        return word[:k] + word[k + 1 :]
    if op == "swap":
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    return word[:k] + word[k] + word[k:]


def make_queries(n: int, rng: random.Random) -> list[str]:
    queries = ["Piriani", "mckay", "Malatesa", "Kronstadt sailors", "secret ballot"]
    while len(queries) < n:
        kind = rng.random()
        if kind < 0.25:
            queries.append(rng.choice(WORDS))
        elif kind < 0.45:
            queries.append(rng.choice(NAMES + PLACES))
        elif kind < 0.65:
            queries.append(misspell(rng.choice(NAMES + PLACES), rng).lower())
        elif kind < 0.9:
            queries.append(" ".join(rng.sample(WORDS + NAMES, rng.randint(2, 4))))
        else:
            queries.append(f"{rng.choice(NAMES)} {rng.choice(WORDS)} {rng.randint(1917, 1927)}")
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_calls(fn, queries: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for query in queries:
        start = time.perf_counter_ns()
        fn(query)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1921)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(__file__).resolve().parents[1]

    corpus = synthetic_corpus(args.excerpts, rng)
    queries = make_queries(args.queries, rng)

    pack = load_pack(root / "content")
    start = time.perf_counter()
    index = SearchIndex.from_pack(pack)
    index.add_many(
        excerpt_document(f"g{k}", author, work, date, text, GUILD)
        for k, (author, work, date, text) in enumerate(corpus, 1)
    )
    build_s = time.perf_counter() - start

    def ours(query: str) -> None:
        index.search(query, guild_id=GUILD, limit=10)

    cold = time_calls(ours, queries)  # first sight of each query: fuzzy look-ups not cached yet
    warm = [t for _ in range(3) for t in time_calls(ours, queries)]

    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE excerpts (id INTEGER PRIMARY KEY, guild_id INTEGER, author TEXT, work TEXT, date TEXT, text TEXT)"
    )
    db.executemany(
        "INSERT INTO excerpts (guild_id, author, work, date, text) VALUES (?, ?, ?, ?, ?)",
        [(GUILD, *row) for row in corpus],
    )
    db.commit()

    def naive(query: str) -> None:
        words = [w for w in query.split() if w] or [query]
        clause = " OR ".join("(text LIKE ? OR author LIKE ? OR work LIKE ?)" for _ in words)
        params = [f"%{w}%" for w in words for _ in range(3)]
        db.execute(
            f"SELECT id FROM excerpts WHERE guild_id = ? AND ({clause})", [GUILD, *params]
        ).fetchall()

    like = [t for _ in range(2) for t in time_calls(naive, queries)]

    hits = sum(1 for q in queries if index.search(q, guild_id=GUILD, limit=1))
    vocab = len({t for _, _, _, text in corpus for t in terms(text)})
    print(
        f"corpus: {args.excerpts:,} excerpts (+ pack), vocabulary {vocab:,} terms, index built in {build_s:.2f} s"
    )
    print(
        f"queries: {len(queries)} mixed (words, names, misspelt names, phrases); {hits} with hits"
    )
    print(
        f"search (cold, first run of each query): p50 {percentile(cold, 0.5):.3f} ms  p99 {percentile(cold, 0.99):.3f} ms  max {max(cold):.3f} ms"
    )
    print(
        f"search (steady, 3 more runs):           p50 {percentile(warm, 0.5):.3f} ms  p99 {percentile(warm, 0.99):.3f} ms  mean {statistics.fmean(warm):.3f} ms"
    )
    print(
        f"naive SQLite LIKE '%term%' scan:         p50 {percentile(like, 0.5):.3f} ms  p99 {percentile(like, 0.99):.3f} ms"
    )
    print(
        f"ratio naive/search: p50 {percentile(like, 0.5) / percentile(warm, 0.5):.1f}x  "
        f"p99 {percentile(like, 0.99) / percentile(warm, 0.99):.1f}x  "
        f"(cold p99 {percentile(like, 0.99) / percentile(cold, 0.99):.1f}x)"
    )
    target = percentile(warm, 0.99) <= 2.0
    print(f"target p99 <= 2 ms: {'met' if target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
