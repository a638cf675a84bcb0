"""Text normalisation shared by look-ups and search: accent folding, tokens, light stemming."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[^\W_]+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "not",
        "no",
    ]
)


class _FoldTable(dict[int, str]):
    """Maps one character to one folded character, so folded text keeps the original offsets."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        folded = base.lower() if len(base) == 1 else char.lower()
        if len(folded) != 1:
            folded = char
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one character ("Malatésta" -> "malatesta")."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def stem(token: str) -> str:
    """A deliberately light English stemmer: plurals and -ing/-ed, nothing clever.

    Light on purpose: names must survive ("Jones" and "jones" stem alike), and the same function
    runs on documents and queries, so consistency matters more than linguistics.
    """
    n = len(token)
    if n <= 3 or token.isdigit():
        return token
    if token.endswith("ies") and n > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    if token.endswith("ing") and n > 5:
        return token[:-3]
    if token.endswith("ed") and n > 4:
        return token[:-2]
    return token


def terms(text: str) -> list[str]:
    """Index terms of a text, in order (stopwords dropped, folded, stemmed)."""
    return [stem(t) for t in _TOKEN.findall(fold(text)) if t not in STOPWORDS]


def normalise_key(text: str) -> str:
    """A look-up key: folded, punctuation squeezed to single spaces."""
    return " ".join(_TOKEN.findall(fold(text)))


TOKEN_RE = _TOKEN
