"""A calendar people subscribe to: the .ics names each week's reading, the channel and the
Discord event; the feed is served over HTTP at a secret, revocable link with ETag and
Last-Modified, answering 304 to conditional requests and a bare 404 to unknown tokens."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from icalendar import Calendar

from bot.client import StudyCircle
from bot.runtime import open_bot
from bot.scheduling.clock import FakeClock
from bot.settings import Settings
from discord_double import DiscordDouble
from discord_double.testing import connected_bot
from tests.cogs.sessions_support import (
    ANNOUNCE,
    FIRST,
    advance_to,
    configure_channels,
    schedule_thursdays,
)
from tests.e2e.fixtures import Server

PUBLIC = "https://circle.example.org"


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    """The bot's own web server on a free port, with a public address for links."""
    return settings.model_copy(
        update={"http_port": 0, "http_host": "127.0.0.1", "public_base_url": PUBLIC}
    )


@pytest.fixture
async def timed_bot(
    double: DiscordDouble, web_settings: Settings, server: Server, clock: FakeClock
) -> AsyncIterator[StudyCircle]:
    """The bot on the fake clock, with its web server listening."""
    async with (
        open_bot(web_settings, clock=clock, sleep_until=clock.sleep_until) as bot,
        connected_bot(double, bot),
    ):
        yield bot


def local(bot: StudyCircle, link: str) -> str:
    """The public link as the bot's web server on this machine answers it."""
    assert bot.web is not None
    return link.replace(PUBLIC, f"http://127.0.0.1:{bot.web.port}")


async def link_of(double: DiscordDouble, server: Server, **options: bool) -> str:
    who = server.organiser if options else server.member
    reply = await double.slash(server.guild, who, "session calendar-link", **options)
    assert reply.ephemeral
    match = re.search(r"<(https://\S+)>", reply.content)
    assert match, reply.content
    return match[1]


def events(body: bytes) -> list[dict[str, str]]:
    calendar = Calendar.from_ical(body)
    return [
        {key: str(event.get(key, "")) for key in ("summary", "description", "location", "url")}
        | {"recurrence": str(event.get("recurrence-id").dt) if event.get("recurrence-id") else ""}
        for event in calendar.walk("VEVENT")
    ]


async def test_subscribe_poll_cheaply_follow_changes_and_reset(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
) -> None:
    async with aiohttp.ClientSession() as http:
        await subscribe_and_poll(double, timed_bot, server, clock, http)


async def subscribe_and_poll(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    http: aiohttp.ClientSession,
) -> None:
    channels = await configure_channels(double, server)
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)  # the first session's Discord event exists
    link = await link_of(double, server)
    assert link.startswith(f"{PUBLIC}/calendar/")
    assert link == await link_of(double, server)  # the same link when asked again

    async with http.get(local(timed_bot, link)) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        body = await response.read()
    found = events(body)
    week_one = (await timed_bot.services.library.week(server.guild.id, 1)).readings[0]
    first = next(e for e in found if e["recurrence"].startswith("2027-03-04"))
    assert week_one.title[:60] in first["summary"]
    assert week_one.authors in first["summary"]
    assert (
        f"https://discord.com/channels/{server.guild.id}/{channels.sessions.id}"
        in (first["description"])
    )
    assert first["location"] == "#sessions on Discord"
    event_ids = {e["id"] for e in double.scheduled_events(server.guild)}
    assert first["url"].startswith(f"https://discord.com/events/{server.guild.id}/")
    assert first["url"].rsplit("/", 1)[1] in event_ids
    second = next(e for e in found if e["recurrence"].startswith("2027-03-11"))
    assert "Week 2" in second["description"]
    assert "Workers' Control" in second["summary"]

    # Calendar apps poll with what they were given: nothing changed, so 304 and no body.
    async with http.get(local(timed_bot, link), headers={"If-None-Match": etag}) as response:
        assert response.status == 304
        assert await response.read() == b""
    clock.advance(timedelta(hours=1))
    async with http.get(
        local(timed_bot, link), headers={"If-Modified-Since": modified}
    ) as response:
        assert response.status == 304

    # The syllabus changes: the next poll gets the new calendar and a new ETag.
    brinton = await double.slash(
        server.guild, server.organiser, "reading unassign", reading="brinton-1970"
    )
    assert "no longer in week 2" in brinton.content
    async with http.get(local(timed_bot, link), headers={"If-None-Match": etag}) as response:
        assert response.status == 200
        assert response.headers["ETag"] != etag
        assert response.headers["Last-Modified"] != modified
        changed = events(await response.read())
    week_two = [e for e in changed if e["recurrence"].startswith("2027-03-11")]
    assert all("Workers' Control" not in e["summary"] for e in week_two)

    # Resetting retires the old link; it then looks exactly like a link that never existed.
    new = await link_of(double, server, reset=True)
    assert new != link
    for gone in (link, f"{PUBLIC}/calendar/not-a-token.ics"):
        async with http.get(local(timed_bot, gone)) as response:
            assert response.status == 404
            assert await response.text() == "Not found"
    async with http.get(local(timed_bot, new)) as response:
        assert response.status == 200
    await advance_to(timed_bot, clock, FIRST)


async def test_only_organisers_reset_and_the_file_names_the_readings(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    refused = await double.slash(server.guild, server.member, "session calendar-link", reset=True)
    assert refused.ephemeral
    assert "Only organisers" in refused.content
    reply = await double.slash(server.guild, server.member, "session calendar")
    [file] = reply.files
    week_one = (await timed_bot.services.library.week(server.guild.id, 1)).readings[0]
    assert any(week_one.authors in e["summary"] for e in events(file.data))


async def test_without_a_public_address_the_link_is_explained(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    timed_bot.settings.public_base_url = None
    reply = await double.slash(server.guild, server.member, "session calendar-link")
    assert reply.ephemeral
    assert "PUBLIC_BASE_URL" in reply.content
