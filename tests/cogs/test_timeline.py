"""/timeline end to end: every event in pages, one year, years without events, autocomplete."""

from __future__ import annotations

from bot.client import StudyCircle
from bot.ui.history import event_heading
from discord_double import DiscordDouble
from tests.cogs.library_support import (
    NEXT,
    all_pages,
    assert_choices,
    assert_fits,
    page_texts,
    position,
)
from tests.e2e.fixtures import Server


async def test_whole_timeline_in_date_order_across_pages(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    first = await double.slash(server.guild, server.member, "timeline")
    assert not first.ephemeral
    assert position(first)[1] > 1
    text = page_texts(await all_pages(double, server.guild, server.member, first))
    events = sorted(bot.content.events, key=lambda e: e.date)
    offsets = [text.index(event_heading(e)) for e in events]
    assert offsets == sorted(offsets)  # every event, oldest first
    assert "Timeline, 1917–1927" in text
    assert "**1 March 1921** — Mass meeting on Anchor Square" in text
    assert "**1917** — Maximoff's theses on the soviets" in text  # year precision
    assert "**December 1921** — Berkman and Goldman leave Russia" in text  # month precision
    # Old Style beside New Style before February 1918, and ranges for events over several days
    assert "**7 November 1917** (Old Style 25 October 1917) — The October Revolution" in text
    assert "**7–8 March 1921** — The first assault on Kronstadt fails" in text
    assert "**29 March – 5 April 1920** — Ninth Party Congress endorses one-man management" in text


async def test_one_year(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    reply = await double.slash(server.guild, server.member, "timeline", year=1921)
    text = page_texts(await all_pages(double, server.guild, server.member, reply))
    in_1921 = [e for e in bot.content.events if e.year == 1921]
    assert len(in_1921) > 1
    for event in in_1921:
        assert event.title in text
    for event in bot.content.events:
        if event.year != 1921:
            assert f"— {event.title}\n" not in text
    assert "Timeline: 1921" in text


async def test_a_year_without_events_is_an_ephemeral_error(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    assert 1926 not in {e.year for e in bot.content.events}  # the one year in 1917–1927 without
    for year in (1926, 0, -1917, 99999):
        reply = await double.slash(server.guild, server.member, "timeline", year=year)
        assert reply.ephemeral, year
        assert f"No timeline events in {year}" in reply.content
        assert "1917–1927" in reply.content
        assert "1921" in reply.content  # the years that do have events are named


async def test_year_autocomplete(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    years = sorted({e.year for e in bot.content.events})
    every = await double.autocomplete(server.guild, server.member, "timeline", "year", "")
    assert_choices(every)
    assert [c["value"] for c in every] == years
    typed = await double.autocomplete(server.guild, server.member, "timeline", "year", "192")
    assert [c["value"] for c in typed] == [y for y in years if str(y).startswith("192")]
    none = await double.autocomplete(server.guild, server.member, "timeline", "year", "18")
    assert none == []


async def test_another_member_gets_a_private_copy(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    shared = await double.slash(server.guild, server.organiser, "timeline", year=1921)
    copy = await double.press(server.guild, server.member, shared, NEXT)
    assert copy.ephemeral
    assert position(copy)[0] == 2
    assert_fits(copy)
    assert position(shared)[0] == 1
