"""Helpers shared by the sessions, reminders and session-timer cog tests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble, iter_components
from discord_double.server import RecordedRequest
from discord_double.state import FakeChannel
from tests.e2e.fixtures import Server

# The cog tests' `clock` starts here (tests/cogs/conftest.py): a Monday at noon, so the syllabus
# starts this week (week 1 is current), four weeks before Europe/London springs forward (Sunday
# 28 March 2027).
START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
# The first Thursday 19:00 Europe/London session after START (GMT, so 19:00 UTC).
FIRST = datetime(2027, 3, 4, 19, 0, tzinfo=UTC)
ANNOUNCE = FIRST - timedelta(days=3)  # the default lead time
DAY_BEFORE = FIRST - timedelta(hours=24)  # the default reminder offsets
HOUR_BEFORE = FIRST - timedelta(hours=1)
THURSDAYS = {"weekday": "thursday", "time": "19:00", "timezone": "Europe/London"}

_TIMESTAMP = re.compile(r"<t:(\d+):F>")


@dataclass(frozen=True)
class Channels:
    sessions: FakeChannel
    readings: FakeChannel
    log: FakeChannel


async def configure_channels(double: DiscordDouble, server: Server) -> Channels:
    """#sessions, #readings and #log, configured through /config channel."""
    channels = Channels(
        sessions=double.add_channel(server.guild, "sessions"),
        readings=double.add_channel(server.guild, "readings"),
        log=double.add_channel(server.guild, "log"),
    )
    for purpose in ("sessions", "readings", "log"):
        reply = await double.slash(
            server.guild,
            server.organiser,
            "config channel",
            purpose=purpose,
            channel=getattr(channels, purpose),
        )
        assert purpose in reply.content
    return channels


async def schedule_thursdays(
    double: DiscordDouble, bot: StudyCircle, server: Server, **options: Any
) -> str:
    reply = await double.slash(
        server.guild, server.organiser, "session schedule", {**THURSDAYS, **options}
    )
    await bot.dispatcher.settle()
    assert "Weekly sessions" in reply.content, reply.text
    return reply.text


async def advance_to(bot: StudyCircle, clock: FakeClock, when: datetime) -> None:
    clock.set(when)
    await bot.dispatcher.settle()


def timestamps(text: str) -> list[datetime]:
    """Every ``<t:…:F>`` in ``text`` as an aware UTC datetime."""
    return [datetime.fromtimestamp(int(n), UTC) for n in _TIMESTAMP.findall(text)]


def buttons(message: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by label word (``Going``, ``Maybe``, ``Can't``)."""
    found = {}
    for component in iter_components(message.get("components") or []):
        if component.get("type") == 2:
            found[component["label"].split(" (")[0]] = component
    return found


def rsvp_field(message: Mapping[str, Any]) -> str:
    fields = message["embeds"][0].get("fields") or []
    return next(f["value"] for f in fields if f["name"] == "RSVPs")


def message_posts(double: DiscordDouble, channel_id: int) -> list[RecordedRequest]:
    return [
        r
        for r in double.requests
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]
