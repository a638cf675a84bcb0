"""Faults from Discord: 403, 404, 429 and 5xx answers to the bot's own sends, edits and DMs.

What must hold (see ``bot/ui/faults.py``): the bot keeps running and answering, discord.py's
own retries (429 after ``retry_after``; 500/502/504/524 five tries with back-off) are the only
retries, a timer whose main post Discord refused is recorded ``failed`` after the rest of its
work is done, and organisers get one note per problem in the log channel.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import AsyncIterator
from datetime import timedelta

import discord.http
import pytest
from sqlalchemy import select

from bot.client import StudyCircle
from bot.db.models.scheduling import Timer
from bot.scheduling import PERSONAL_REMINDER, SESSION_ANNOUNCE, SESSION_REMINDER, SESSION_START
from bot.scheduling.clock import FakeClock
from bot.scheduling.timers import DONE, FAILED
from bot.services import POLL_CLOSE
from bot.ui.session_events import EVENT_PERMISSION_NOTE
from discord_double import DiscordDouble
from discord_double.server import RecordedRequest
from tests.cogs.polls_support import poll_id, posted
from tests.cogs.sessions_support import (
    ANNOUNCE,
    DAY_BEFORE,
    FIRST,
    HOUR_BEFORE,
    START,
    Channels,
    advance_to,
    buttons,
    configure_channels,
    rsvp_field,
    schedule_thursdays,
)
from tests.e2e.fixtures import BotRunner, Server

DISCORD_PY_TRIES = 5  # discord.http.HTTPClient.request: ``for tries in range(5)``
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def timed_bot(
    bot_runner: BotRunner, server: Server, clock: FakeClock
) -> AsyncIterator[StudyCircle]:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as running:
        yield running


@pytest.fixture
async def channels(double: DiscordDouble, timed_bot: StudyCircle, server: Server) -> Channels:
    return await configure_channels(double, server)


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """discord.py's 5xx back-off (1+3+5+7+9 s) a thousand times faster; the delays asked for
    are recorded. Only ``discord.http`` sees the change: its ``asyncio`` name is swapped."""
    asked: list[float] = []
    real = asyncio

    class FastAsyncio(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        @staticmethod
        async def sleep(delay: float, result: object = None) -> object:
            if delay:
                asked.append(delay)
            return await real.sleep(delay / 1000, result)

    monkeypatch.setattr(discord.http, "asyncio", FastAsyncio("asyncio"))
    return asked


def posts_to(double: DiscordDouble, channel_id: int, since: int = 0) -> list[RecordedRequest]:
    return [
        r
        for r in double.requests[since:]
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


def notes(double: DiscordDouble, channels: Channels) -> list[str]:
    """The fault notes in the log channel (not the notes about actions missed while down)."""
    return [
        m["content"]
        for m in double.channel_messages(channels.log)
        if not m["content"].startswith("While I was offline")
    ]


async def statuses(bot: StudyCircle, kind: str) -> list[str]:
    """The statuses of this kind's timers that have run, oldest first."""
    async with bot.session_factory() as session:
        rows = await session.scalars(
            select(Timer.status)
            .where(Timer.kind == kind, Timer.status.not_in(["pending", "cancelled"]))
            .order_by(Timer.due_at, Timer.id)
        )
        return list(rows)


async def error_of(bot: StudyCircle, kind: str) -> str:
    async with bot.session_factory() as session:
        error = await session.scalar(
            select(Timer.error).where(Timer.kind == kind, Timer.status == FAILED)
        )
    assert error is not None
    return error


async def still_answers(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    reply = await double.slash(server.guild, server.member, "ping")
    assert reply.ephemeral
    assert "Pong" in reply.content
    assert bot.dispatcher.running


async def use_role_reminders(double: DiscordDouble, server: Server, offsets: str = "24h") -> None:
    readers = double.add_role(server.guild, "Readers")
    reply = await double.slash(
        server.guild,
        server.organiser,
        "remind settings",
        offsets=offsets,
        delivery="role",
        role=readers,
    )
    assert f"<@&{readers.id}>" in reply.content


# -- 403 ---------------------------------------------------------------------------------------


async def test_forbidden_sessions_channel_is_told_once_and_everything_else_carries_on(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await use_role_reminders(double, server)
    await schedule_thursdays(double, timed_bot, server)
    sessions_posts = double.fail_next(
        "POST", f"/channels/{channels.sessions.id}/messages", 403, times=100
    )

    await advance_to(timed_bot, clock, ANNOUNCE)
    [note] = notes(double, channels)
    assert f"<#{channels.sessions.id}>" in note
    assert "announcement" in note
    assert "permission" in note
    assert await statuses(timed_bot, SESSION_ANNOUNCE) == [FAILED]
    assert "403" in await error_of(timed_bot, SESSION_ANNOUNCE)
    await still_answers(double, timed_bot, server)

    # The role reminder fails in the same channel: the same problem, so no second note.
    await advance_to(timed_bot, clock, DAY_BEFORE)
    assert await statuses(timed_bot, SESSION_REMINDER) == [FAILED]
    assert notes(double, channels) == [note]
    # 403 is final: one request per action, no retry layered on top of discord.py's.
    assert len(posts_to(double, channels.sessions.id)) == 2

    # The session still starts: its thread opens (threads are a different permission).
    await advance_to(timed_bot, clock, FIRST)
    assert await statuses(timed_bot, SESSION_START) == [DONE]
    [thread] = double.threads(server.guild)
    assert double.channel_messages(thread)  # the reading and prompts
    assert double.channel_messages(channels.sessions) == []

    # A week later the problem persists: the next announcement fails without a new note
    # (the thread opening in that channel does not count as the problem being fixed).
    week = timedelta(days=7)
    await advance_to(timed_bot, clock, ANNOUNCE + week)
    assert await statuses(timed_bot, SESSION_ANNOUNCE) == [FAILED, FAILED]
    assert notes(double, channels) == [note]

    # Fixed: the reminder goes out, and a failure after that is a new problem, told again.
    sessions_posts.times = 0  # the organisers fixed the permission
    await advance_to(timed_bot, clock, DAY_BEFORE + week)
    assert await statuses(timed_bot, SESSION_REMINDER) == [FAILED, DONE]
    [reminder] = double.channel_messages(channels.sessions)
    assert "Reminder" in reminder["content"]
    double.fail_next("POST", f"/channels/{channels.sessions.id}/messages", 403)
    await advance_to(timed_bot, clock, FIRST + week)
    await advance_to(timed_bot, clock, ANNOUNCE + 2 * week)
    assert await statuses(timed_bot, SESSION_ANNOUNCE) == [FAILED, FAILED, FAILED]
    assert len(notes(double, channels)) == 2
    await still_answers(double, timed_bot, server)


async def test_forbidden_event_creation_is_told_once(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    double.fail_next("POST", "/guilds/*/scheduled-events", 403, times=100)
    reply = await double.slash(
        server.guild,
        server.organiser,
        "session schedule",
        weekday="thursday",
        time="19:00",
        timezone="Europe/London",
    )
    assert "Weekly sessions" in reply.content
    [warning] = await double.wait_for_followups(reply, 1)  # the organiser who asked is told
    assert warning["flags"] & 64
    assert "Manage Events" in warning["content"]
    for moment in (ANNOUNCE, DAY_BEFORE, HOUR_BEFORE, FIRST):
        await advance_to(timed_bot, clock, moment)
    assert notes(double, channels) == [EVENT_PERMISSION_NOTE]
    assert await statuses(timed_bot, SESSION_ANNOUNCE) == [DONE]
    assert await statuses(timed_bot, SESSION_START) == [DONE]
    assert double.scheduled_events(server.guild) == []
    await still_answers(double, timed_bot, server)


async def test_closed_dms_and_a_forbidden_fallback_channel_are_told(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    shy = double.add_member(server.guild, "shy", closed_dms=True)
    await double.slash(server.guild, shy, "remind me", when="in 30 minutes", what="read ch. 3")
    double.fail_next("POST", f"/channels/{server.guild.general.id}/messages", 403)
    await advance_to(timed_bot, clock, START + timedelta(minutes=30))
    [note] = notes(double, channels)
    assert f"<@{shy.id}>" in note
    assert f"<#{server.guild.general.id}>" in note
    assert "read ch. 3" not in note  # a member's reminder text stays private
    assert await statuses(timed_bot, PERSONAL_REMINDER) == [FAILED]
    [note_post] = posts_to(double, channels.log.id)
    assert note_post.json["allowed_mentions"]["parse"] == []  # the note pings nobody
    await still_answers(double, timed_bot, server)


async def test_forbidden_thread_creation_is_told_and_the_session_still_starts(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    await double.wait_for_followups(
        await double.click(
            server.guild, server.member, announcement, buttons(announcement)["Going"]["custom_id"]
        ),
        1,
    )
    double.fail_next("POST", f"/channels/{channels.sessions.id}/threads", 403)
    for moment in (DAY_BEFORE, HOUR_BEFORE, FIRST):
        await advance_to(timed_bot, clock, moment)
    [note] = notes(double, channels)
    assert "discussion thread" in note
    assert f"<#{channels.sessions.id}>" in note
    assert double.threads(server.guild) == []
    assert await statuses(timed_bot, SESSION_START) == [FAILED]
    # The rest of the start timer's work was done: attendance, and the next week's timers.
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    assert await timed_bot.services.sessions.rsvps(server.guild.id, info.id, FIRST) == {
        server.member.id: "going"
    }
    await advance_to(timed_bot, clock, ANNOUNCE + timedelta(days=7))
    assert len(double.channel_messages(channels.sessions)) == 2
    await still_answers(double, timed_bot, server)


async def test_an_announcement_that_cannot_be_withdrawn_is_told(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    path = f"/channels/{channels.sessions.id}/messages/{announcement['id']}"
    double.fail_next("PATCH", path, 403)
    reply = await double.slash(server.guild, server.organiser, "session skip", date="2027-03-04")
    assert "skipped" in reply.content
    [note] = notes(double, channels)
    assert "please delete it" in note
    assert "Thursday 4 March 2027" in note
    assert buttons(double.message(int(announcement["id"])))  # still live: hence the note


# -- 404 ---------------------------------------------------------------------------------------


async def test_rsvp_still_answers_when_the_announcement_was_deleted(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    announcement_path = f"/channels/{channels.sessions.id}/messages/{announcement['id']}"
    double.fail_next("PATCH", announcement_path, 404, json=UNKNOWN_MESSAGE)

    card = await double.slash(server.guild, server.member, "session next")
    answered = await double.click(
        server.guild, server.member, card, buttons(card.message)["Going"]["custom_id"]
    )
    assert answered.type == "update"
    assert "Going: 1" in rsvp_field(answered.message)
    [confirmation] = await double.wait_for_followups(answered, 1)
    assert "You answered **Going**" in confirmation["content"]
    [edit] = [r for r in double.requests if r.method == "PATCH" and r.path == announcement_path]
    assert edit.status == 404

    # The deleted announcement is forgotten: later answers do not try to edit it again, and
    # it is not re-posted (the /session next card carries the buttons).
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    links = await timed_bot.services.sessions.links(server.guild.id, info.id, FIRST)
    assert links.announcement_message_id is None
    again = await double.click(
        server.guild, server.organiser, card, buttons(card.message)["Maybe"]["custom_id"]
    )
    await double.wait_for_followups(again, 1)
    assert [r for r in double.requests if r.path == announcement_path] == [edit]
    assert len(posts_to(double, channels.sessions.id)) == 1
    assert notes(double, channels) == []  # a deleted message is not a fault to report


async def test_poll_closes_when_its_message_is_gone_and_a_refused_result_is_told(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    poll = await posted(
        double,
        timed_bot,
        server,
        server.member,
        "poll create",
        {"question": "Next week?", "options": "Serge; Brinton", "duration": "2h"},
    )
    general = server.guild.general.id
    double.fail_next("PATCH", f"/channels/{general}/messages/{poll.message_id}", 404)
    double.fail_next("POST", f"/channels/{general}/messages", 403)
    clock.advance(timedelta(hours=2))
    await timed_bot.dispatcher.settle()
    [note] = notes(double, channels)
    assert "poll" in note.lower()
    assert f"<#{general}>" in note
    assert await statuses(timed_bot, POLL_CLOSE) == [FAILED]
    # The poll is closed all the same, and its results are there for anyone who asks.
    info = await timed_bot.services.polls.get(poll_id(poll), server.guild.id)
    assert not info.is_open
    results = await double.slash(server.guild, server.member, "poll results", id=poll_id(poll))
    assert "**Serge** — 0 votes" in results.text
    await still_answers(double, timed_bot, server)


async def test_poll_close_command_says_when_the_result_could_not_be_posted(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, channels: Channels
) -> None:
    poll = await posted(
        double,
        timed_bot,
        server,
        server.member,
        "poll create",
        {"question": "Next?", "options": "Serge; Brinton"},
    )
    double.fail_next("POST", f"/channels/{server.guild.general.id}/messages", 403)
    reply = await double.slash(server.guild, server.member, "poll close", id=poll_id(poll))
    assert reply.ephemeral
    assert "would not let me post" in reply.content
    assert f"/poll results id:{poll_id(poll)}" in reply.content
    assert len(notes(double, channels)) == 1


# -- 429 ---------------------------------------------------------------------------------------


async def test_rate_limited_reminder_dm_is_delivered_once_after_retry_after(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await double.slash(server.guild, server.member, "remind me", when="in 1 hour", what="Serge")
    double.fail_next("POST", "/channels/*/messages", 429, retry_after=0.2)
    await advance_to(timed_bot, clock, START + timedelta(hours=1))
    [dm] = double.dm_messages(server.member)
    assert "Serge" in dm["content"]
    assert server.member.dm_channel_id is not None
    limited, delivered = posts_to(double, server.member.dm_channel_id)
    assert (limited.status, delivered.status) == (429, 200)
    assert delivered.at - limited.at >= 0.2  # discord.py honoured retry_after
    assert limited.json["nonce"] == delivered.json["nonce"]
    assert delivered.json["enforce_nonce"] is True
    assert await statuses(timed_bot, PERSONAL_REMINDER) == [DONE]
    assert double.channel_messages(server.guild.general) == []  # no fallback post either


# -- 5xx ---------------------------------------------------------------------------------------


async def test_one_server_error_is_retried_by_discord_py_and_posted_once(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    double.fail_next("POST", f"/channels/{channels.sessions.id}/messages", 500)
    await advance_to(timed_bot, clock, ANNOUNCE)  # discord.py waits 1 s before its retry
    [announcement] = double.channel_messages(channels.sessions)
    failed, posted = posts_to(double, channels.sessions.id)
    assert (failed.status, posted.status) == (500, 200)
    # The retry carries the same nonce: had Discord created the first one, it would not
    # create a second.
    assert failed.json["nonce"] == posted.json["nonce"]
    assert posted.json["enforce_nonce"] is True
    assert await statuses(timed_bot, SESSION_ANNOUNCE) == [DONE]
    assert notes(double, channels) == []
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    links = await timed_bot.services.sessions.links(server.guild.id, info.id, FIRST)
    assert links.announcement_message_id == int(announcement["id"])


async def test_persistent_server_errors_are_handled_after_discord_py_gives_up(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
    fast_backoff: list[float],
) -> None:
    await use_role_reminders(double, server)
    await schedule_thursdays(double, timed_bot, server)
    outage = double.fail_next(
        "POST", f"/channels/{channels.sessions.id}/messages", 502, times=2 * DISCORD_PY_TRIES
    )
    await advance_to(timed_bot, clock, ANNOUNCE)
    # discord.py's five tries with its back-off, and not one request more from the bot.
    attempts = posts_to(double, channels.sessions.id)
    assert [r.status for r in attempts] == [502] * DISCORD_PY_TRIES
    assert fast_backoff == [1, 3, 5, 7, 9]
    [note] = notes(double, channels)
    assert f"<#{channels.sessions.id}>" in note
    assert "Discord" in note
    assert await statuses(timed_bot, SESSION_ANNOUNCE) == [FAILED]
    await still_answers(double, timed_bot, server)

    # The outage continues for the reminder: handled the same way, no second note.
    await advance_to(timed_bot, clock, DAY_BEFORE)
    assert outage.times == 0
    assert len(posts_to(double, channels.sessions.id)) == 2 * DISCORD_PY_TRIES
    assert await statuses(timed_bot, SESSION_REMINDER) == [FAILED]
    assert notes(double, channels) == [note]

    # Discord is back: the session starts normally.
    await advance_to(timed_bot, clock, FIRST)
    assert await statuses(timed_bot, SESSION_START) == [DONE]
    assert double.threads(server.guild)
    await still_answers(double, timed_bot, server)


# -- helpers for polls ---------------------------------------------------------------------------
