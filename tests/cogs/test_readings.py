"""/reading list|current|info|assign|add|done end to end, on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.client import StudyCircle
from bot.library.readings import READING_LIMITS
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble
from tests.cogs.library_support import (
    NEXT,
    PREVIOUS,
    all_pages,
    assert_choices,
    assert_fits,
    assert_form_is_organisers_only,
    mentions_allowed,
    page_texts,
    position,
)
from tests.e2e.fixtures import BotRunner, Server

# Sunday 1 March 2026, 23:30 UTC: already Monday 2 March in Tokyo.
START = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
READING = {
    "title": "My Disillusionment in Russia",
    "authors": "Emma Goldman",
    "year": "1923",
    "url": "https://example.org/goldman",
    "summary": "Goldman's account of two years in Soviet Russia, 1920 to 1921.",
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def bot(timed_bot: StudyCircle) -> StudyCircle:
    """Every test here runs the bot on the clock above (START, the eve of a Monday)."""
    return timed_bot


async def add_reading(bot: StudyCircle, server: Server, title: str, **more) -> str:
    card = await bot.services.library.add_reading(
        server.guild.id, server.organiser.id, title, more.pop("authors", "A. Writer"), **more
    )
    return card.id


# -- list -------------------------------------------------------------------------------------
async def test_list_dates_use_the_servers_time_zone(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await bot.guild_config.set_timezone(other_server.guild.id, "Asia/Tokyo")
    here = await double.slash(server.guild, server.member, "reading list")
    tokyo = await double.slash(other_server.guild, other_server.member, "reading list")
    assert not here.ephemeral
    assert_fits(here)
    assert "**Week 1 · Soviets, 1917** — from Mon 23 February 2026  ← this week" in here.text
    assert "**Week 2 · Workers' control** — from Mon 2 March 2026" in here.text
    assert "**Week 1 · Soviets, 1917** — from Mon 2 March 2026  ← this week" in tokyo.text


async def test_list_pages_and_opens_on_the_current_week(
    double: DiscordDouble, bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    first = await double.slash(server.guild, server.member, "reading list")
    assert position(first) == (1, 2)
    text = page_texts(await all_pages(double, server.guild, server.member, first))
    for card in await bot.services.library.readings(server.guild.id):
        assert f"*{card.title}* — {card.authors} ({card.year})" in text
    offsets = [text.index(f"**Week {n} ·") for n in range(1, 11)]
    assert offsets == sorted(offsets)

    clock.advance(timedelta(weeks=6))  # week 7
    later = await double.slash(server.guild, server.member, "reading list")
    assert position(later) == (2, 2)
    assert "**Week 7 · The resolution itself** — from Mon 6 April 2026  ← this week" in later.text
    back = await double.press(server.guild, server.member, later, PREVIOUS)
    assert position(back) == (1, 2)
    assert "this week" not in back.text
    copy = await double.press(server.guild, server.organiser, back, NEXT)
    assert copy.ephemeral
    assert position(back) == (1, 2)


async def test_list_follows_the_session_schedule(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await bot.services.sessions.schedule(server.guild.id, "thursday", "19:00", starts="2026-03-05")
    reply = await double.slash(server.guild, server.member, "reading list")
    assert "**Week 1 · Soviets, 1917** — from Thu 5 March 2026" in reply.text
    assert "**Week 2 · Workers' control** — from Thu 12 March 2026" in reply.text


async def test_long_weeks_spill_over_pages_within_limits(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for n in range(40):
        title = f"{n:02} " + "T" * (READING_LIMITS["title"] - 3)
        authors = "A" * READING_LIMITS["authors"]
        await bot.services.library.add_reading(
            server.guild.id, server.organiser.id, title, authors, 1999, week=3
        )
    first = await double.slash(server.guild, server.member, "reading list")
    text = page_texts(await all_pages(double, server.guild, server.member, first))
    assert position(first)[1] >= 4
    assert "**Week 3 · The factory committees** (continued)" in text
    for n in range(40):
        assert f"*{n:02} TTT" in text


# -- current ----------------------------------------------------------------------------------
async def test_current_week_card_moves_with_the_weeks(
    double: DiscordDouble, bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    week1 = await double.slash(server.guild, server.member, "reading current")
    assert not week1.ephemeral
    assert_fits(week1)
    assert "This week: Week 1 · Soviets, 1917" in week1.text
    assert "Week of Mon 23 February 2026." in week1.text
    assert "The Soviet of Workers', Soldiers' and Peasants' Deputies" in week1.text
    assert "G. P. Maximoff (1917) · about 2,500 words" in week1.text
    assert "Where: http://www.fondation-besnard.org/spip.php?article342" in week1.text
    assert "Reprinted in English translation" in week1.text

    clock.advance(timedelta(weeks=1))
    week2 = await double.slash(server.guild, server.member, "reading current")
    assert "This week: Week 2 · Workers' control" in week2.text
    assert "Maurice Brinton (1970)" in week2.text

    clock.advance(timedelta(weeks=20))
    after = await double.slash(server.guild, server.member, "reading current")
    assert "The syllabus ended with week 10" in after.text


async def test_a_crowded_week_still_fits(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for n in range(12):
        await bot.services.library.add_reading(
            server.guild.id,
            server.organiser.id,
            f"{n:02} " + "T" * (READING_LIMITS["title"] - 3),
            "A" * READING_LIMITS["authors"],
            2001,
            url="https://example.org/" + "u" * (READING_LIMITS["url"] - 20),
            summary="S" * READING_LIMITS["summary"],
            week=1,
        )
    reply = await double.slash(server.guild, server.member, "reading current")
    assert_fits(reply)
    shown = [f for f in reply.embeds[0]["fields"] if f["name"][:2].isdigit()]
    assert 1 <= len(shown) <= 6
    assert f"…and {13 - len(shown) - 1} more" in reply.text  # 12 added + Maximoff's, 1 shown
    assert "The Soviet of Workers'" in reply.text


# -- info -------------------------------------------------------------------------------------
async def test_info_card(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    reply = await double.slash(server.guild, server.member, "reading info", reading="brinton-1970")
    assert not reply.ephemeral
    assert_fits(reply)
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert reply.embeds[0]["title"].startswith("The Bolsheviks and Workers' Control, 1917–1921")
    assert "who manages production" in reply.embeds[0]["description"]
    assert fields["By"] == "Maurice Brinton"
    assert fields["Year"] == "1970"
    assert fields["Published by"] == "Solidarity"
    assert fields["Length"] == "about 90 pages"
    assert fields["On the syllabus"] == "Week 2 · Workers' control\nfrom Mon 2 March 2026"
    assert fields["Progress"] == "0 members have marked it done"
    assert "Solidarity pamphlet" in fields["Where to read"]

    for member in (server.member, server.organiser):
        await double.slash(server.guild, member, "reading done", reading="Brinton")
    again = await double.slash(server.guild, server.member, "reading info", reading="Brinton")
    assert "2 members have marked it done" in again.text


async def test_info_finds_misspelt_names_and_a_link(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "reading info", reading="Piriani")
    assert "The Russian Revolution in Retreat, 1920–24" in reply.text
    assert "Routledge" in reply.text
    online = await double.slash(
        server.guild, server.member, "reading info", reading="Means and Ends"
    )
    assert "https://blackrosefed.org/" in online.text  # where to read it online


async def test_info_bad_names(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    for reading, message in [
        ("The Necronomicon", "No reading matches 'The Necronomicon'"),
        ("McKay", "matches several readings"),
        ("   ", "Name a reading"),
    ]:
        reply = await double.slash(server.guild, server.member, "reading info", reading=reading)
        assert reply.ephemeral, reading
        assert message in reply.content, reading


async def test_reading_autocomplete(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    every = await double.autocomplete(server.guild, server.member, "reading info", "reading", "")
    assert_choices(every)
    pack_order = [r.id for r in sorted(bot.content.readings, key=lambda r: r.week or 99)]
    assert [c["value"] for c in every] == pack_order
    for command in ("reading info", "reading assign", "reading done"):
        typed = await double.autocomplete(
            server.guild, server.organiser, command, "reading", "piriani"
        )
        assert typed[0]["value"] == "pirani-2008", command
    for n in range(30):
        await add_reading(bot, server, f"Pamphlet {n} " + "x" * 180, authors="Goldman " * 30)
    crowded = await double.autocomplete(server.guild, server.member, "reading done", "reading", "")
    assert len(crowded) == 25
    assert_choices(crowded)
    pamphlets = await double.autocomplete(
        server.guild, server.member, "reading info", "reading", "pamphlet 7"
    )
    assert_choices(pamphlets)
    assert pamphlets[0]["value"].startswith("pamphlet-7")
    elsewhere = await double.autocomplete(
        other_server.guild, other_server.member, "reading info", "reading", "pamphlet"
    )
    assert not any(c["value"].startswith("pamphlet") for c in elsewhere)


# -- done -------------------------------------------------------------------------------------
async def test_done_counts_personal_progress_per_server(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    first = await double.slash(server.guild, server.member, "reading done", reading="Piriani")
    assert first.ephemeral
    assert "Marked *The Russian Revolution in Retreat" in first.content
    assert "You have finished 1 of 10 readings." in first.content
    twice = await double.slash(server.guild, server.member, "reading done", reading="pirani-2008")
    assert "already marked" in twice.content
    assert "1 of 10" in twice.content
    second = await double.slash(server.guild, server.member, "reading done", reading="Brinton")
    assert "2 of 10" in second.content
    double.add_member(other_server.guild, server.member)
    elsewhere = await double.slash(
        other_server.guild, server.member, "reading done", reading="Brinton"
    )
    assert "1 of 10" in elsewhere.content
    unknown = await double.slash(server.guild, server.member, "reading done", reading="Das Kapital")
    assert unknown.ephemeral
    assert "No reading matches" in unknown.content


async def test_finishing_everything(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for reading in bot.content.readings:
        reply = await double.slash(server.guild, server.member, "reading done", reading=reading.id)
    assert "10 of 10" in reply.content
    assert "whole syllabus" in reply.content


# -- assign -----------------------------------------------------------------------------------
async def test_organiser_assigns_a_reading_to_a_week(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    reply = await double.slash(
        server.guild, server.organiser, "reading assign", reading="Piriani", week=1
    )
    assert reply.ephemeral
    assert "is now in Week 1 · Soviets, 1917" in reply.content
    listing = await double.slash(server.guild, server.member, "reading list")
    week1 = listing.text.split("**Week 2")[0]
    assert "The Russian Revolution in Retreat" in week1
    current = await double.slash(server.guild, server.member, "reading current")
    assert "Simon Pirani (2008)" in current.text
    info = await double.slash(server.guild, server.member, "reading info", reading="Piriani")
    assert "Week 1 · Soviets, 1917" in info.text
    other = await double.slash(other_server.guild, other_server.member, "reading current")
    assert "Simon Pirani" not in other.text  # another server's syllabus is its own


async def test_assign_is_refused_to_a_plain_member(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(
        server.guild, server.member, "reading assign", reading="Piriani", week=1
    )
    assert reply.ephemeral
    assert "Only organisers" in reply.content
    assert (await bot.services.library.reading(server.guild.id, "pirani-2008")).week == 8


async def test_assign_bad_input_changes_nothing(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for reading, week, message in [
        ("Piriani", 0, "Weeks run from 1 to 52; 0 is not one of them."),
        ("Piriani", 53, "Weeks run from 1 to 52"),
        ("Piriani", -1, "Weeks run from 1 to 52"),
        ("Nothing At All Here", 2, "No reading matches"),
    ]:
        reply = await double.slash(
            server.guild, server.organiser, "reading assign", reading=reading, week=week
        )
        assert reply.ephemeral, (reading, week)
        assert message in reply.content, (reading, week)
    assert (await bot.services.library.reading(server.guild.id, "pirani-2008")).week == 8


async def test_assigned_user_text_never_pings(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    slug = await add_reading(bot, server, "@everyone come read", authors=f"<@{server.member.id}>")
    reply = await double.slash(
        server.guild, server.organiser, "reading assign", reading=slug, week=2
    )
    assert "@everyone" in reply.content
    assert mentions_allowed(double, reply) == [{"parse": []}]


# -- add (modal) ------------------------------------------------------------------------------
async def test_organiser_adds_a_reading_for_their_server_only(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    form = await double.slash(server.guild, server.organiser, "reading add")
    assert form.type == "modal"
    assert len(form.modal["title"]) <= 45
    added = await double.submit_modal(server.guild, server.organiser, form, READING)
    assert added.ephemeral
    assert_fits(added)
    assert "Added *My Disillusionment in Russia*" in added.content
    assert "Added by this server's organisers" in added.text

    listing = await double.slash(server.guild, server.member, "reading list")
    last_page = page_texts(await all_pages(double, server.guild, server.member, listing))
    assert "**Not scheduled yet**\n┃ • *My Disillusionment in Russia* — Emma Goldman (1923)" in (
        last_page
    )
    info = await double.slash(server.guild, server.member, "reading info", reading="disillusion")
    assert "https://example.org/goldman" in info.text
    assert "not scheduled yet" in info.text
    done = await double.slash(server.guild, server.member, "reading done", reading="Goldman")
    assert "1 of 11" in done.content
    cite = await double.slash(server.guild, server.member, "source cite", reading="Goldman")
    assert cite.content.startswith("Goldman, Emma. “My Disillusionment in Russia.”")

    there = await double.slash(
        other_server.guild, other_server.member, "reading info", reading="My Disillusionment"
    )
    assert there.ephemeral
    assert "No reading matches" in there.content


async def test_bad_readings_change_nothing(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for changes, message in [
        ({"year": "abc"}, "The year should be a number such as 1921, not 'abc'."),
        ({"year": "²"}, "The year should be a number"),
        ({"year": "999"}, "The year should be between 1000"),
        ({"year": "2999"}, "The year should be between 1000"),
        ({"url": "example.org/x"}, "starting with http:// or https://"),
        ({"authors": "   "}, "at least one author"),
        ({"title": "  "}, "needs a title"),
    ]:
        form = await double.slash(server.guild, server.organiser, "reading add")
        reply = await double.submit_modal(server.guild, server.organiser, form, READING | changes)
        assert reply.ephemeral, changes
        assert message in reply.content, changes
    assert len(await bot.services.library.readings(server.guild.id)) == 10


async def test_a_plain_member_cannot_add_readings(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await assert_form_is_organisers_only(double, server, "reading add", READING)
    assert len(await bot.services.library.readings(server.guild.id)) == 10


async def test_syllabus_buttons_work_after_a_restart(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    clock = FakeClock(START)
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until):
        reply = await double.slash(server.guild, server.member, "reading list")
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until):
        turned = await double.press(server.guild, server.member, reply, NEXT)
        assert position(turned) == (2, 2)
        assert "**Week 10 · A century on**" in turned.text
