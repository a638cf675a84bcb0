"""What the bot did, and waiting for it without polling.

Reading: ``channel_messages``, ``dm_messages``, ``messages_in``, ``message``, ``threads``,
``scheduled_events``, ``attachment_data``.

Waiting (each wakes on every request and gateway event the double sees, and fails with an
``AssertionError`` that says what it saw): ``wait_until_ready``, ``wait_for_command_sync``,
``wait_for`` / ``wait_for_requests`` (answered requests), ``wait_for_message`` /
``wait_for_messages`` (messages in a channel or DM), ``wait_for_followups``, ``wait_until`` (any
probe of the double's state), ``wait_for_bot_state`` (an async probe of state only the bot
holds, such as its database) and ``wait_until_quiet`` (the bot has stopped talking for now).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from .core import DoubleCore
from .interactions import InteractionReply
from .render import render_message
from .server import RecordedRequest
from .state import FakeChannel, FakeGuild, FakeUser

__all__ = ["MessageMatch", "MessagePlace", "Observing"]

T = TypeVar("T")
# Text found in the rendered message (content, embeds, buttons...), or a predicate on the payload.
MessageMatch = str | Callable[[dict[str, Any]], bool]
# A channel, a channel id, or a member (their DM channel with the bot).
MessagePlace = FakeChannel | FakeUser | int
# How often wait_for_bot_state re-checks state the double cannot see change.
BOT_STATE_RECHECK = 0.01


def _matches(message: dict[str, Any], matching: MessageMatch | None) -> bool:
    if matching is None:
        return True
    if isinstance(matching, str):
        return matching in render_message(message)
    return matching(message)


class Observing(DoubleCore):
    """Reading the messages, threads and events the bot made, and waiting for them."""

    def channel_messages(
        self, channel: FakeChannel | int, *, include_members: bool = False
    ) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first, as they are now (edits applied, deletes gone)."""
        channel_id = channel if isinstance(channel, int) else channel.id
        messages = [
            self.world.messages[i]
            for i in self.rest.channel_order.get(channel_id, [])
            if i in self.world.messages
        ]
        if include_members:
            return messages
        return [m for m in messages if int(m["author"]["id"]) == self.world.bot_user.id]

    def dm_messages(self, user: FakeUser) -> list[dict[str, Any]]:
        if user.dm_channel_id is None:
            return []
        return self.channel_messages(user.dm_channel_id)

    def scheduled_events(self, guild: FakeGuild) -> list[dict[str, Any]]:
        return list(guild.scheduled_events.values())

    def threads(self, guild: FakeGuild) -> list[FakeChannel]:
        return [channel for channel in guild.channels.values() if channel.is_thread]

    def message(self, message_id: int) -> dict[str, Any]:
        return self.world.messages[message_id]

    def attachment_data(self, attachment: Mapping[str, Any]) -> bytes | None:
        """The bytes the bot uploaded for an attachment of one of its messages."""
        upload = self.rest.files.get(int(attachment["id"]))
        return upload.data if upload is not None else None

    def messages_in(
        self, place: MessagePlace, *, include_members: bool = False
    ) -> list[dict[str, Any]]:
        """``channel_messages`` of a channel, a channel id or a member's DM channel."""
        if isinstance(place, FakeUser):
            if place.dm_channel_id is None:
                return []
            place = place.dm_channel_id
        return self.channel_messages(place, include_members=include_members)

    # --- waiting --------------------------------------------------------------------------

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        timeout: float | None = None,  # noqa: ASYNC109
        *,
        what: str = "the condition",
    ) -> T:
        """``probe()``'s first truthy result; ``probe`` reads the double's state (messages,
        requests, the world) and is re-checked after every request and gateway event."""
        timeout = timeout or self.timeout
        try:
            return await self._signal.wait_until(probe, timeout)
        except TimeoutError:
            raise AssertionError(
                f"gave up waiting for {what} after {timeout}s; "
                f"requests: {self._describe_requests()}; failures: {self.failures}"
            ) from None

    async def wait_for_bot_state(
        self,
        probe: Callable[[], Awaitable[T | None]],
        timeout: float | None = None,  # noqa: ASYNC109
        *,
        what: str = "the bot's state to change",
        recheck: float = BOT_STATE_RECHECK,
    ) -> T:
        """``await probe()``'s first truthy result, for state only the bot holds (its database,
        say): re-checked after every change the double sees and at least every ``recheck``
        seconds, since nothing tells the double when the bot writes to its database."""
        timeout = timeout or self.timeout
        try:
            return await self._signal.wait_until_async(probe, timeout, recheck=recheck)
        except TimeoutError:
            raise AssertionError(
                f"gave up waiting for {what} after {timeout}s; requests: "
                f"{self._describe_requests()}; failures: {self.failures}"
            ) from None

    async def wait_until_quiet(
        self,
        quiet: float = 0.05,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> None:
        """Return once every request is answered and nothing happened for ``quiet`` seconds.

        For when nothing says what the bot will do next (a timer just fired, say): whatever it
        sends in reply to the double's own pushes arrives within that pause.
        """
        timeout = timeout or self.timeout
        last_change = time.monotonic()

        def touched() -> None:
            nonlocal last_change
            last_change = time.monotonic()

        remove = self.add_change_listener(touched)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self._drain()
                    busy = any(r.status is None for r in self.requests)
                    idle_for = time.monotonic() - last_change
                    if not busy and idle_for >= quiet:
                        return
                    await asyncio.sleep(quiet if busy else quiet - idle_for)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not go quiet within {timeout}s; requests: {self._describe_requests()}"
            ) from None
        finally:
            remove()

    async def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool],
        timeout: float | None = None,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """The first answered request (from index ``since``) matching ``predicate``."""

        def probe() -> RecordedRequest | None:
            for request in self.requests[since:]:
                if request.status is not None and predicate(request):
                    return request
            return None

        try:
            return await self._signal.wait_until(probe, timeout or self.timeout)
        except TimeoutError:
            raise AssertionError(
                f"no matching request within {timeout or self.timeout}s; "
                f"requests since #{since}: {self._describe_requests(since)}"
            ) from None

    async def wait_for_requests(
        self,
        predicate: Callable[[RecordedRequest], bool],
        count: int,
        timeout: float | None = None,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> list[RecordedRequest]:
        """At least ``count`` answered requests (from index ``since``) matching ``predicate``;
        returns all of them, in order."""

        def probe() -> list[RecordedRequest] | None:
            found = [r for r in self.requests[since:] if r.status is not None and predicate(r)]
            return found if len(found) >= count else None

        timeout = timeout or self.timeout
        try:
            return await self._signal.wait_until(probe, timeout)
        except TimeoutError:
            raise AssertionError(
                f"fewer than {count} matching requests within {timeout}s; "
                f"requests since #{since}: {self._describe_requests(since)}"
            ) from None

    async def wait_for_messages(
        self,
        place: MessagePlace,
        count: int = 1,
        matching: MessageMatch | None = None,
        *,
        include_members: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """At least ``count`` of the bot's messages (everyone's with ``include_members``) in
        ``place`` (a channel, channel id, or a member's DM) ``matching`` (text in the rendered
        message, or a predicate); returns every matching message, oldest first."""

        def probe() -> list[dict[str, Any]] | None:
            found = [
                m
                for m in self.messages_in(place, include_members=include_members)
                if _matches(m, matching)
            ]
            return found if len(found) >= count else None

        timeout = timeout or self.timeout
        try:
            return await self._signal.wait_until(probe, timeout)
        except TimeoutError:
            seen = [render_message(m) for m in self.messages_in(place, include_members=True)]
            raise AssertionError(
                f"expected {count} message(s) matching {matching!r} within {timeout}s; "
                f"the messages there: {seen[-10:]}; failures: {self.failures}"
            ) from None

    async def wait_for_message(
        self,
        place: MessagePlace,
        matching: MessageMatch | None = None,
        *,
        include_members: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The newest message in ``place`` matching ``matching`` (see :meth:`wait_for_messages`),
        as soon as there is one (at once if it is already there)."""
        found = await self.wait_for_messages(
            place, 1, matching, include_members=include_members, timeout=timeout
        )
        return found[-1]

    async def wait_for_followups(
        self,
        reply: InteractionReply,
        count: int,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Wait until ``reply`` has at least ``count`` follow-ups."""
        try:
            await self._signal.wait_until(
                lambda: len(reply.followups) >= count, timeout or self.timeout
            )
        except TimeoutError:
            raise AssertionError(
                f"expected {count} follow-ups, got {len(reply.followups)}: {reply.text}"
            ) from None
        return reply.followups

    # --- readiness ------------------------------------------------------------------------

    def _all_shards_ready(self) -> bool:
        sessions = self.hub.live_sessions()
        if not sessions:
            return False
        count = sessions[0].identify.shard_count if sessions[0].identify else 1
        ready_shards = {s.shard_id for s in sessions}
        if ready_shards != set(range(count)):
            return False
        return all(
            guild_id in s.sent_guild_ids
            for guild_id in self.world.guilds
            for s in sessions
            if s.handles_guild(guild_id)
        )

    def _commands_synced(self) -> bool:
        return any(
            r.status == 200
            and r.method in ("PUT", "POST")
            and (r.route or "").endswith("/commands")
            for r in self.requests
        )

    async def wait_until_ready(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Every shard identified, every guild delivered and (if expected) commands synced."""
        timeout = timeout or self.timeout

        def probe() -> bool:
            return self._all_shards_ready() and (
                not self.expect_command_sync or self._commands_synced()
            )

        try:
            await self._signal.wait_until(probe, timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot was not ready within {timeout}s: shards identified "
                f"{[(i.shard_id, i.shard_count) for i in self.hub.identifies]}, "
                f"commands synced: {self._commands_synced()}, "
                f"requests: {self._describe_requests()}; failures: {self.failures}"
            ) from None
        await self._drain()

    async def wait_for_command_sync(self, timeout: float | None = None) -> list[dict[str, Any]]:  # noqa: ASYNC109
        """Wait for a command sync; returns the global commands."""
        try:
            await self._signal.wait_until(self._commands_synced, timeout or self.timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not sync its commands; requests: {self._describe_requests()}; "
                f"failures: {self.failures}"
            ) from None
        return self.global_commands
