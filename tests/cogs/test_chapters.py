"""Spoiler-safe parts: a thread per part at the session's start, /reading done with a part
points only to the threads already read, /reading parts, and /reading progress with streaks."""

from __future__ import annotations

from datetime import timedelta

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble
from discord_double.state import FakeChannel
from tests.cogs.sessions_support import (
    ANNOUNCE,
    DAY_BEFORE,
    FIRST,
    HOUR_BEFORE,
    advance_to,
    configure_channels,
    schedule_thursdays,
)
from tests.e2e.fixtures import Server

BRINTON = "brinton-1970"


async def first_session_with_brinton(
    double: DiscordDouble, bot: StudyCircle, server: Server, clock: FakeClock
) -> dict[int, FakeChannel]:
    """Brinton (three page ranges in the pack) in week 1; the first session starts. Returns
    the part threads by part number."""
    await configure_channels(double, server)
    await schedule_thursdays(double, bot, server)
    await double.slash(server.guild, server.organiser, "reading assign", reading=BRINTON, week=1)
    for moment in (ANNOUNCE, DAY_BEFORE, HOUR_BEFORE, FIRST):
        await advance_to(bot, clock, moment)
    parts = {}
    for thread in double.threads(server.guild):
        if thread.name.startswith("Part "):
            parts[int(thread.name.split()[1].split("/")[0])] = thread
    return parts


async def test_one_thread_per_part_titled_with_its_part(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    parts = await first_session_with_brinton(double, timed_bot, server, clock)
    assert sorted(parts) == [1, 2, 3]
    assert parts[1].name.startswith("Part 1/3: pp. 1–30 · The Bolsheviks and Workers' Control")
    assert parts[3].name.startswith("Part 3/3: pp. 61–90")
    assert all(len(t.name) <= 100 for t in parts.values())
    [session] = [t for t in double.threads(server.guild) if t.name.startswith("Session")]
    index = double.channel_messages(session)[-1]["embeds"][0]
    assert index["title"] == "Spoiler-safe threads, one per part"
    assert all(f"<#{t.id}>" in index["description"] for t in parts.values())
    opening = double.channel_messages(parts[2])[0]["content"]
    assert "pp. 31–60" in opening
    posts = [
        r.json
        for r in double.requests
        if r.method == "POST" and r.path in {f"/channels/{t.id}/messages" for t in parts.values()}
    ]
    assert len(posts) == 3
    assert all(body["allowed_mentions"]["parse"] == [] for body in posts)


async def test_a_member_reading_chapter_two_is_pointed_to_threads_one_and_two_only(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    parts = await first_session_with_brinton(double, timed_bot, server, clock)
    choices = await double.autocomplete(
        server.guild, server.member, "reading done", "part", "", reading=BRINTON
    )
    assert [c["value"] for c in choices] == [1, 2, 3]
    assert choices[1]["name"] == "Part 2: pp. 31–60"
    first = await double.slash(server.guild, server.member, "reading done", reading=BRINTON, part=1)
    assert first.ephemeral
    assert f"<#{parts[1].id}>" in first.content
    # Reading chapter 2 now: its thread, and chapter 3's, are not offered yet.
    assert f"<#{parts[2].id}>" not in first.content
    assert f"<#{parts[3].id}>" not in first.content
    assert "Next: Part 2 of 3: pp. 31–60" in first.content
    second = await double.slash(
        server.guild, server.member, "reading done", reading=BRINTON, part=2
    )
    assert f"<#{parts[1].id}>" in second.content
    assert f"<#{parts[2].id}>" in second.content
    assert f"<#{parts[3].id}>" not in second.content
    last = await double.slash(server.guild, server.member, "reading done", reading=BRINTON, part=3)
    assert "That finishes the reading" in last.content
    assert f"<#{parts[3].id}>" in last.content
    # Finishing the last part marks the reading itself done.
    progress = await timed_bot.services.library.progress(server.guild.id, server.member.id)
    assert [e.reading.id for e in progress.done] == [BRINTON]
    # The organiser marked the whole book done without parts: every thread is theirs.
    whole = await double.slash(server.guild, server.organiser, "reading done", reading=BRINTON)
    assert all(f"<#{t.id}>" in whole.content for t in parts.values())
    bad = await double.slash(server.guild, server.member, "reading done", reading=BRINTON, part=9)
    assert "parts 1 to 3" in bad.content
    ask = await double.slash(server.guild, server.member, "privacy delete-my-data")
    erased = await double.press(server.guild, server.member, ask, "Delete my data")
    assert "3 reading parts marked done removed" in erased.text
    card = await timed_bot.services.library.reading(server.guild.id, BRINTON)
    read = await timed_bot.services.parts.read(server.guild.id, server.member.id, card)
    assert read.done == frozenset()


async def test_progress_shows_parts_the_groups_spread_weeks_and_streak(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await first_session_with_brinton(double, timed_bot, server, clock)
    await double.slash(server.guild, server.member, "me timezone", zone="Asia/Tokyo")
    await double.slash(server.guild, server.member, "reading done", reading=BRINTON, part=2)
    await double.slash(server.guild, server.organiser, "reading done", reading=BRINTON, part=1)
    reply = await double.slash(server.guild, server.member, "reading progress")
    assert reply.ephemeral
    [embed] = reply.embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    parts = fields["This week (week 1) in parts"]
    assert "2 of 3 parts" in parts
    assert "Group: 1 through part 2 · 1 through part 1" in parts
    assert "Streak: **0**" in embed["description"]
    assert "Asia/Tokyo, your time zone" in embed["footer"]["text"]
    # Week 1 (Maximoff and Brinton) finished before week 2 began: a one-week streak.
    await double.slash(server.guild, server.member, "reading done", reading="maximoff-1917")
    await double.slash(server.guild, server.member, "reading done", reading=BRINTON, part=3)
    clock.set(FIRST + timedelta(days=8))
    reply = await double.slash(server.guild, server.member, "reading progress")
    [embed] = reply.embeds
    assert "🔥 Streak: **1** week in a row" in embed["description"]
    weeks = {f["name"]: f["value"] for f in embed["fields"]}["Your weeks"]
    assert weeks.startswith("✅ Week 1")
    assert (
        "Asia/Tokyo (your time zone)"
        in {f["name"]: f["value"] for f in embed["fields"]}["Last marked done"]
    )


async def test_organisers_split_a_reading_and_members_may_not(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    refused = await double.slash(
        server.guild, server.member, "reading parts", reading="jones-1984", parts="a | b"
    )
    assert "Only organisers" in refused.content
    one = await double.slash(
        server.guild, server.organiser, "reading parts", reading="jones-1984", parts="just one"
    )
    assert "at least two parts" in one.content
    split = await double.slash(
        server.guild,
        server.organiser,
        "reading parts",
        reading="jones-1984",
        parts="pp. 1-10 | pp. 11-25; pp. 26-40",
    )
    assert "3 parts" in split.content
    card = await timed_bot.services.library.reading(server.guild.id, "jones-1984")
    assert await timed_bot.services.parts.parts_of(server.guild.id, card) == (
        "pp. 1-10",
        "pp. 11-25",
        "pp. 26-40",
    )
    back = await double.slash(
        server.guild, server.organiser, "reading parts", reading="jones-1984", parts="none"
    )
    assert "2 parts" in back.content  # the pack's own split again
    plain = await double.slash(
        server.guild, server.member, "reading done", reading="maximoff-1917", part=1
    )
    assert "not split into parts" in plain.content
