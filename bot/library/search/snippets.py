"""Snippets: the part of a hit's text around the matched words, with those words in bold."""

from __future__ import annotations

import re

from bot.library.text import STOPWORDS, stem

SNIPPET_CHARS = 240
_MARKDOWN = re.compile(r"([\\*_~`|>])")
_PATTERNS: dict[frozenset[str], re.Pattern[str]] = {}
MAX_PATTERNS = 2048


def escape_markdown(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _hit_pattern(matched: frozenset[str]) -> re.Pattern[str]:
    # A word whose stem is a matched term starts with that term's first four letters (the
    # stemmer only trims endings), so this finds every candidate in one C-level scan.
    prefixes = sorted({term[:4] for term in matched}, key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, prefixes)) + r")[^\W_]*")


def _pattern_for(matched: set[str]) -> re.Pattern[str]:
    key = frozenset(matched)
    pattern = _PATTERNS.get(key)
    if pattern is None:
        if len(_PATTERNS) > MAX_PATTERNS:
            _PATTERNS.clear()
        pattern = _PATTERNS[key] = _hit_pattern(key)
    return pattern


def _densest_start(hits: list[tuple[int, int]], width: int) -> int:
    """Where the window of ``width`` characters holding the most hits starts."""
    best, lo_index, first = 0, 0, 0
    for hi in range(len(hits)):
        while hits[hi][0] - hits[lo_index][0] > width - 40:
            lo_index += 1
        if hi - lo_index + 1 > best:
            best, first = hi - lo_index + 1, hits[lo_index][0]
    return first


def snippet(body: str, folded: str, matched: set[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``body`` around the densest cluster of matched words,
    which are wrapped in ``**`` (everything else is markdown-escaped)."""
    if not body:
        return ""
    hits: list[tuple[int, int]] = []
    if matched:
        for m in _pattern_for(matched).finditer(folded):
            word = m.group()
            if word not in STOPWORDS and stem(word) in matched:
                hits.append(m.span())
    lo = 0
    if hits:
        lo = max(0, _densest_start(hits, width) - 50)
        if lo:
            space = body.rfind(" ", 0, lo + 1)
            lo = space + 1 if space > 0 else lo
    hi = min(len(body), lo + width)
    if hi < len(body):
        space = body.rfind(" ", lo, hi)
        hi = space if space > lo + width // 2 else hi
    out: list[str] = []
    cursor = lo
    for start, end in hits:
        if start < lo or end > hi:
            continue
        out.append(escape_markdown(body[cursor:start]))
        out.append(f"**{escape_markdown(body[start:end])}**")
        cursor = end
    out.append(escape_markdown(body[cursor:hi]))
    text = " ".join("".join(out).split())
    return f"{'…' if lo > 0 else ''}{text}{'…' if hi < len(body) else ''}"
