"""The sessions as a calendar people subscribe to: each session carries its week's reading,
where the group meets and the Discord event, served at a secret link by the bot's web server.

``GET /calendar/<token>.ics`` answers ``text/calendar`` with a strong ETag (the content's
hash) and a Last-Modified that only moves when the calendar changes, so a calendar app's
conditional poll costs a 304. An unknown, reset or malformed token gets the same bare 404.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime
from email.utils import format_datetime

from aiohttp import web

from bot.library.records import ReadingCard, SyllabusWeek
from bot.scheduling.sessions import ScheduleInfo
from bot.scheduling.sessions.calendar import EventDetails, empty_calendar, schedule_to_ics
from bot.scheduling.sessions.feeds import CalendarFeeds
from bot.types import StudyBot
from bot.ui.session_events import EVENT_HORIZON
from bot.ui.sessions import sessions_channel_id

log = logging.getLogger(__name__)

FEED_PATH = "/calendar/{token}.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"
NOT_FOUND = "Not found"


def feed_url(bot: StudyBot, token: str) -> str | None:
    """The public link of a feed; None when the web server or its public address is unset."""
    base = bot.settings.public_base_url
    if bot.settings.http_port is None or not base:
        return None
    return base + FEED_PATH.format(token=token)


def calendar_title(bot: StudyBot, guild_id: int) -> str:
    guild = bot.get_guild(guild_id)
    return f"{guild.name}: reading group" if guild is not None else "Reading group"


def _byline(card: ReadingCard) -> str:
    return f"{card.title} — {card.authors}" + (f" ({card.year})" if card.year else "")


def _week_details(
    week: SyllabusWeek, title: str, place: str | None, channel_url: str | None
) -> EventDetails:
    first = week.readings[0]
    summary = f"{title} · {first.title} ({first.authors})"
    if len(week.readings) > 1:
        summary += f" and {len(week.readings) - 1} more"
    lines = [f"Week {week.number}" + (f": {week.label}" if week.label else ""), ""]
    for card in week.readings:
        lines.append(_byline(card))
        if card.summary:
            lines.append(card.summary)
        lines.extend(part for part in (card.url, card.where) if part)
        lines.append("")
    if channel_url:
        lines.append(f"Meet in {place or 'the sessions channel'}: {channel_url}")
    return EventDetails(summary, "\n".join(lines).strip(), place, channel_url)


async def session_details(
    bot: StudyBot, info: ScheduleInfo, title: str
) -> tuple[dict[date, EventDetails], EventDetails]:
    """Each session's own calendar entry (by its regular date), and the default one."""
    guild_id = info.guild_id
    channel_id = await sessions_channel_id(bot, info)
    place: str | None = None
    channel_url: str | None = None
    if channel_id is not None:
        channel = bot.get_channel(channel_id)
        name = getattr(channel, "name", None)
        place = f"#{name} on Discord" if name else "Discord"
        channel_url = f"https://discord.com/channels/{guild_id}/{channel_id}"
    default = EventDetails(
        title,
        "The weekly reading-group session. See /reading current in Discord for the reading.",
        place,
        channel_url,
    )
    syllabus = await bot.services.library.syllabus(guild_id)
    details: dict[date, EventDetails] = {}
    for week in syllabus.weeks:
        if week.starts is not None and week.readings:
            details[week.starts] = _week_details(week, title, place, channel_url)
    # The Discord event of each coming session (they exist for the next few only).
    sessions = bot.services.sessions
    for occ in await sessions.list(guild_id, EVENT_HORIZON + 1):
        links = await sessions.links(guild_id, occ.schedule.id, occ.key)
        if links.event_id is None:
            continue
        day = occ.occurrence.local_date
        base = details.get(day, default)
        event_url = f"https://discord.com/events/{guild_id}/{links.event_id}"
        description = f"{base.description or ''}\n\nDiscord event: {event_url}".strip()
        details[day] = EventDetails(base.summary, description, base.location, event_url)
    return details, default


async def calendar_bytes(bot: StudyBot, guild_id: int) -> bytes:
    """The server's calendar now (an empty one while nothing is scheduled)."""
    title = calendar_title(bot, guild_id)
    info = await bot.services.sessions.uncached(guild_id)
    if info is None:
        return empty_calendar(title)
    details, default = await session_details(bot, info, title)
    # DTSTAMP from the schedule, not the clock: the same calendar gives the same bytes.
    return schedule_to_ics(
        info, title=title, details=details, default=default, stamp=info.created_at
    )


class FeedRoutes:
    """The web route of the calendar feeds (added to the bot's web server)."""

    def __init__(self, bot: StudyBot, feeds: CalendarFeeds) -> None:
        self.bot = bot
        self.feeds = feeds

    def routes(self) -> list[web.RouteDef]:
        return [web.get(FEED_PATH, self.serve)]

    async def serve(self, request: web.Request) -> web.Response:
        guild_id = await self.feeds.guild_for(request.match_info.get("token", ""))
        if guild_id is None:
            return web.Response(status=404, text=NOT_FOUND)
        body = await calendar_bytes(self.bot, guild_id)
        digest = hashlib.sha256(body).hexdigest()
        etag = f'"{digest[:32]}"'
        changed = await self.feeds.last_modified(guild_id, digest)
        headers = {
            "ETag": etag,
            "Last-Modified": _http_date(changed),
            "Cache-Control": "private, max-age=900",
        }
        if _not_modified(request, etag, changed):
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers={**headers, "Content-Type": CONTENT_TYPE})


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _not_modified(request: web.Request, etag: str, changed: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if (matches := request.headers.get("If-None-Match")) is not None:
        tags = {tag.strip().removeprefix("W/") for tag in matches.split(",")}
        return etag in tags or "*" in tags
    since = request.if_modified_since
    return since is not None and changed <= since
