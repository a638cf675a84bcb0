"""Fuzz every parser that reads what members type: no input may raise anything but a UserError,
and every rejection is a clear, non-empty message.

How many inputs each parser gets comes from the hypothesis profile (``tests/conftest.py``): a
few hundred in the default ``quick`` profile, 10,000 in ``ci`` (``HYPOTHESIS_PROFILE=ci``, as
``.ci/run`` sets). The inputs mix random text with near-misses built from valid pieces.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.db.models.search import SQLITE_CREATE
from bot.discussion.durations import parse_poll_duration
from bot.discussion.native import validate_native_poll
from bot.discussion.polls import parse_options
from bot.errors import UserError
from bot.library.loader import load_pack
from bot.library.search.analysis import Variants, index_terms, plan_query
from bot.library.search.engine import pack_variants
from bot.library.search.sql import fts_match
from bot.library.text import TOKEN_RE
from bot.scheduling import parsing
from bot.settings import PROJECT_ROOT
from bot.timezones import resolve_zone

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.fuzz

WORDS = [
    "in", "at", "on", "next", "tomorrow", "today", "friday", "Mon", "pm", "am", "h", "m", "d",
    "days", "hours", "minutes", "week", "and", ",", ";", ":", "-", "/", "T", "Z", "+02:00",
    "Europe/London", "America/New_York", "UTC", "@everyone", "<@&1>", "\u200b", "ٌ", "🙂",
    "19:00", "7pm", "2026-12-03", "9999-12-31", "0000-00-00", "24:00", "25:61", "99999999",
    "-1", "0", "1e9", "Piriani", "mckay", "Kronstadt", "\n", "\t", "'", '"', "\\", "%", "_",
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.integers(-10, 100_000).map(str)), max_size=5).map(
        "".join
    ),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
)

# max_examples is left to the active profile.
fuzz = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)


def _only_user_errors(parse: Callable[[str], Any], text: str) -> None:
    message = None
    try:
        parse(text)
    except UserError as error:
        message = error.message
    if message is not None:
        assert message.strip(), f"empty message for {text!r}"
        assert len(message) <= 2000


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    """An FTS5 table like the bot's, to check every query the analysis builds is valid."""
    conn = sqlite3.connect(":memory:")
    conn.execute(SQLITE_CREATE[0])
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def variants() -> Variants:
    return pack_variants(load_pack(PROJECT_ROOT / "content"))


PARSERS: dict[str, Callable[[str], Any]] = {
    "time": parsing.parse_time,
    "weekday": parsing.parse_weekday,
    "date": parsing.parse_date,
    "duration": parsing.parse_duration,
    "offsets": parsing.parse_offsets,
    "zone": resolve_zone,
    "poll duration": parse_poll_duration,
    "poll options": parse_options,
    "native poll": lambda text: validate_native_poll(text[:400], text.split(";")),
}


@pytest.mark.parametrize("name", list(PARSERS))
def test_parser_raises_only_user_errors(name: str) -> None:
    @fuzz
    @given(text=texts)
    def run(text: str) -> None:
        _only_user_errors(PARSERS[name], text)

    run()


def test_reminder_times_raise_only_user_errors() -> None:
    @fuzz
    @given(text=texts, zone=st.sampled_from(["UTC", "Europe/London", "Pacific/Chatham"]))
    def run(text: str, zone: str) -> None:
        _only_user_errors(lambda t: parsing.parse_when(t, now=NOW, zone=zone), text)

    run()


def test_search_queries_raise_only_user_errors(fts: sqlite3.Connection, variants: Variants) -> None:
    """Whatever is typed: a friendly error, or a plan whose FTS5 and tsquery forms are valid."""

    def search(query: str) -> None:
        plan = plan_query(query, variants)
        match = fts_match(1, plan.words)
        fts.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (match,)).fetchall()
        assert all(TOKEN_RE.fullmatch(term) for term in plan.words)  # safe in to_tsquery

    @fuzz
    @given(text=texts)
    def run(text: str) -> None:
        _only_user_errors(search, text)

    run()


def test_passages_to_find_build_valid_queries(fts: sqlite3.Connection) -> None:
    @fuzz
    @given(text=texts)
    def run(text: str) -> None:
        words = list(dict.fromkeys(index_terms(text)))
        if words:
            match = fts_match(7, words)
            fts.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (match,))

    run()
