"""The synthetic corpus and queries the search benchmark runs on (seeded, deterministic).

Plausible prose: Zipf-weighted real domain words, names and places for the frequent head, a
long tail of made-up words, roughly the shape of real text once stop-words are removed.
"""

from __future__ import annotations

import random

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
