"""``DiscordDouble``: a loopback Discord (gateway + REST) for tests and the sandbox.

async with DiscordDouble() as double:
    guild = double.add_guild("Reading Group")
    alice = double.add_member(guild, "alice", permissions=discord.Permissions(manage_guild=True))
    ...  # point discord.py at double.api_base / double.gateway_url and start the bot
    await double.wait_until_ready()
    reply = await double.slash(guild, alice, "config timezone", zone="Europe/London")
    assert "Europe/London" in reply.content
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from aiohttp import web

from .gateway import GatewayHub, GatewaySession
from .interactions import (
    CommandError,
    InteractionKind,
    InteractionReply,
    PendingInteraction,
    build_command_data,
    find_button,
    find_command,
    iter_components,
    modal_submit_components,
)
from .server import Fault, RecordedRequest, RestApi
from .state import (
    ChannelType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    SnowflakeFactory,
    World,
    iso_timestamp,
)
from .validation import SpecValidator, load_validator
from .waiting import ChangeSignal

__all__ = ["DiscordDouble", "MessageRef"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
DEFAULT_TIMEOUT = 5.0
# After a deferred update (type 6) the bot usually edits or follows up; wait this long for it.
DEFERRED_UPDATE_SETTLE = 0.3
MESSAGE_CONTENT_INTENT = 1 << 15


class _HasPermissionsValue(Protocol):
    @property
    def value(self) -> int: ...


PermissionsLike = int | _HasPermissionsValue
MessageRef = int | str | Mapping[str, Any] | InteractionReply


def _permission_value(permissions: PermissionsLike | None) -> int:
    if permissions is None:
        return 0
    return permissions if isinstance(permissions, int) else int(permissions.value)


class DiscordDouble:
    """An in-process Discord for an unmodified discord.py bot. See the module docstring."""

    def __init__(
        self,
        *,
        validate: bool | None = None,
        spec_path: Path | str | None = None,
        bot_name: str = "Study Circle",
        heartbeat_interval_ms: int = 41250,
        expect_command_sync: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        snowflake = SnowflakeFactory()
        bot_user_id = snowflake()
        bot_user = FakeUser(bot_user_id, bot_name, bot=True)
        self.world = World(snowflake=snowflake, bot_user=bot_user, application_id=bot_user_id)
        self.world.users[bot_user_id] = bot_user
        self.validator: SpecValidator | None = load_validator(validate, spec_path)
        self.expect_command_sync = expect_command_sync
        self.timeout = timeout
        self._signal = ChangeSignal()
        self.hub = GatewayHub(
            guild_ids=lambda: list(self.world.guilds),
            ready_payload=self._ready_payload,
            guild_payload=lambda guild_id: self.world.guilds[guild_id].payload(
                bot_user_id=self.world.bot_user.id
            ),
            member_payloads=lambda guild_id: [
                m.payload() for m in self.world.guilds[guild_id].members.values()
            ],
            heartbeat_interval_ms=heartbeat_interval_ms,
            on_change=self._notify,
        )
        self.rest = RestApi(self.world, self.hub, validator=self.validator, on_change=self._notify)
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self._background: set[asyncio.Task[None]] = set()

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        app.router.add_get("/gateway", self.hub.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self.rest.serve_attachment)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"
        self.rest.base_url = self._base_url
        self.rest.gateway_url = self.gateway_url
        return self

    async def close(self) -> None:
        await self._drain()
        await self.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("the double is not started: await double.start() first")
        return self._base_url

    @property
    def api_base(self) -> str:
        """Assign to ``discord.http.Route.BASE``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Use as ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(...)``."""
        return self.base_url.replace("http://", "ws://") + "/gateway"

    def _notify(self) -> None:
        self._signal.notify()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _drain(self) -> None:
        """Let pending gateway pushes (GUILD_CREATE, GUILD_MEMBER_ADD, ...) go out first."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # --- recorded traffic -----------------------------------------------------------------

    @property
    def bot_user(self) -> FakeUser:
        return self.world.bot_user

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.rest.requests

    @property
    def validation_errors(self) -> list[str]:
        return self.rest.validation_errors

    @property
    def unhandled_requests(self) -> list[RecordedRequest]:
        """Requests to routes the double does not implement (answered 404)."""
        return self.rest.unhandled

    @property
    def failures(self) -> list[str]:
        """Validation errors plus unimplemented routes: everything that should fail a test."""
        return self.validation_errors + [
            f"{r.method} {r.path}: the double has no such route" for r in self.unhandled_requests
        ]

    @property
    def global_commands(self) -> list[dict[str, Any]]:
        return self.rest.global_commands

    def commands_for(self, guild: FakeGuild | None) -> list[dict[str, Any]]:
        """Commands visible in ``guild``: its guild commands first, then the global ones."""
        guild_commands = self.rest.guild_commands.get(guild.id, []) if guild else []
        return guild_commands + self.rest.global_commands

    @property
    def sessions(self) -> list[GatewaySession]:
        return self.hub.sessions

    @property
    def last_heartbeat(self) -> float | None:
        """``time.monotonic()`` of the latest heartbeat from any shard."""
        return self.hub.last_heartbeat

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        status: int,
        times: int = 1,
        json: Any | None = None,
        retry_after: float | None = None,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status``.

        ``path_pattern`` is a concrete path, a route template such as
        ``/channels/{channel_id}/messages`` or an ``fnmatch`` pattern (``/channels/*/messages``).
        ``method`` may be ``"*"``. A 429 carries Discord's rate-limit headers and body.
        """
        fault = Fault(method, path_pattern, status, times, json, retry_after)
        self.rest.faults.append(fault)
        return fault

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

    def _describe_requests(self, since: int = 0) -> str:
        shown = [str(r) for r in self.requests[since:]][-20:]
        return "; ".join(shown) or "none"

    # --- building the world ---------------------------------------------------------------

    def add_guild(self, name: str, *, owner_name: str = "owner") -> FakeGuild:
        """A server with #general, @everyone, the bot (with its role) and an owner member."""
        guild = self.world.add_guild(name, owner_name=owner_name)
        self._push_guild(guild)
        return guild

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        type: int = ChannelType.text,
        *,
        parent: FakeChannel | None = None,
    ) -> FakeChannel:
        channel = self.world.add_channel(guild, name, type, parent_id=parent.id if parent else None)
        self._push(guild.id, "CHANNEL_CREATE", channel.payload())
        return channel

    def add_role(self, guild: FakeGuild, name: str, permissions: PermissionsLike = 0) -> FakeRole:
        role = self.world.add_role(guild, name, _permission_value(permissions))
        self._push(
            guild.id, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return role

    def add_member(
        self,
        guild: FakeGuild,
        name: str | FakeUser,
        *,
        permissions: PermissionsLike | None = None,
        roles: Sequence[FakeRole] = (),
        bot: bool = False,
        closed_dms: bool = False,
    ) -> FakeUser:
        """A member (a new user, or an existing ``FakeUser`` joining another server).

        ``permissions`` gives the member a personal role carrying exactly those permissions.
        """
        user = (
            name
            if isinstance(name, FakeUser)
            else self.world.add_user(name, bot=bot, closed_dms=closed_dms)
        )
        role_ids = [role.id for role in roles]
        if permissions is not None:
            personal = self.add_role(guild, f"{user.name}'s role", permissions)
            role_ids.append(personal.id)
        member = FakeMember(user, role_ids)
        guild.members[user.id] = member
        self._push(guild.id, "GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)})
        return user

    def give_role(self, guild: FakeGuild, user: FakeUser, role: FakeRole) -> None:
        member = guild.members[user.id]
        if role.id not in member.role_ids:
            member.role_ids.append(role.id)
        data = {**member.payload(), "guild_id": str(guild.id)}
        self._push(guild.id, "GUILD_MEMBER_UPDATE", data)

    def _push(self, guild_id: int, event: str, data: Any) -> None:
        session = self.hub.session_for_guild(guild_id)
        if session is not None and guild_id in session.sent_guild_ids:
            self._spawn(session.dispatch(event, data))

    def _push_guild(self, guild: FakeGuild) -> None:
        session = self.hub.session_for_guild(guild.id)
        if session is not None:
            self._spawn(session.send_guild(guild.id))

    def _ready_payload(self, session: GatewaySession, guild_ids: list[int]) -> dict[str, Any]:
        identify = session.identify
        assert identify is not None
        return {
            "v": 10,
            "user": {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in guild_ids],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": [identify.shard_id, identify.shard_count],
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
        }

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

    # --- driving the bot ------------------------------------------------------------------

    async def slash(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        command: str,
        options: Mapping[str, Any] | None = None,
        /,
        *,
        in_channel: FakeChannel | None = None,
        reply_timeout: float | None = None,
        **more_options: Any,
    ) -> InteractionReply:
        """Run ``/command`` (``"config timezone"`` for subcommands) as ``member``.

        Options come as keywords, or as the ``options`` mapping when a name clashes with a
        parameter here. Users, channels and roles are given as ``FakeUser``/``FakeChannel``/
        ``FakeRole`` and resolved like Discord does.
        """
        values = {**(options or {}), **more_options}
        path = command.strip().lstrip("/").split()
        root, words, leaf = find_command(self.commands_for(guild), path)
        data = build_command_data(
            self.world,
            guild,
            root,
            words,
            leaf,
            values,
            attachment_files=self.rest.files,
            base_url=self.base_url,
        )
        channel = self._channel_for(guild, member, in_channel)
        pending = await self._send_interaction(
            InteractionKind.APPLICATION_COMMAND, guild, member, channel, data, name=" ".join(path)
        )
        return await self._await_reply(pending, reply_timeout)

    async def autocomplete(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        command: str,
        option: str,
        value: str,
        /,
        *,
        in_channel: FakeChannel | None = None,
        reply_timeout: float | None = None,
        **other_options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers while ``member`` types ``value`` into ``option``."""
        path = command.strip().lstrip("/").split()
        root, words, leaf = find_command(self.commands_for(guild), path)
        values = {**other_options, option: value}
        data = build_command_data(
            self.world,
            guild,
            root,
            words,
            leaf,
            values,
            focused=option,
            attachment_files=self.rest.files,
            base_url=self.base_url,
        )
        channel = self._channel_for(guild, member, in_channel)
        pending = await self._send_interaction(
            InteractionKind.AUTOCOMPLETE, guild, member, channel, data, name=" ".join(path)
        )
        reply = await self._await_reply(pending, reply_timeout)
        if reply.callback_type != 8:
            raise AssertionError(f"autocomplete answered with {reply.type}, not choices")
        return reply.choices

    async def click(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        message: MessageRef,
        custom_id: str,
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Press the button ``custom_id`` on a bot message."""
        return await self._component(guild, member, message, custom_id, None, reply_timeout)

    async def press(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        message: MessageRef,
        label: str,
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Press the button labelled exactly ``label`` on a bot message (see :meth:`click`)."""
        custom_id = str(find_button(self._resolve_message(message), label)["custom_id"])
        return await self.click(guild, member, message, custom_id, reply_timeout=reply_timeout)

    async def select(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        message: MessageRef,
        custom_id: str,
        values: Sequence[str],
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Choose ``values`` in the select menu ``custom_id`` on a bot message."""
        return await self._component(guild, member, message, custom_id, list(values), reply_timeout)

    async def submit_modal(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        modal_reply: InteractionReply,
        values: Mapping[str, str | Sequence[str]],
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Fill in and submit the modal the bot showed in ``modal_reply``."""
        modal = modal_reply.modal
        if modal is None:
            raise CommandError(f"that reply is a {modal_reply.type}, not a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal, values),
        }
        source = modal_reply.pending
        channel = self.world.channels[source.channel_id]
        pending = await self._send_interaction(
            InteractionKind.MODAL_SUBMIT,
            guild,
            member,
            channel,
            data,
            name=modal["custom_id"],
            message=self.world.messages.get(source.source_message_id or 0),
        )
        return await self._await_reply(pending, reply_timeout)

    async def send_message(
        self, channel: FakeChannel, author: FakeUser, content: str
    ) -> dict[str, Any]:
        """A member posts ``content``; the bot receives MESSAGE_CREATE."""
        message = {
            "id": str(self.world.snowflake()),
            "channel_id": str(channel.id),
            "type": 0,
            "author": author.payload(),
            "content": content,
            "timestamp": iso_timestamp(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": 0,
        }
        self.rest.store_message(message)
        event = dict(message)
        guild = self.world.guild_of_channel(channel.id)
        if guild is not None:
            event["guild_id"] = str(guild.id)
            member = guild.members[author.id].payload()
            member.pop("user")
            event["member"] = member
        await self._drain()
        session = self.hub.session_for_guild(guild.id if guild else None)
        if session is None:
            raise AssertionError("the bot is not connected to the gateway")
        intents = session.identify.intents if session.identify else None
        mentioned = f"<@{self.world.bot_user.id}>" in content
        if intents is not None and not intents & MESSAGE_CONTENT_INTENT and not mentioned:
            event["content"] = ""  # Discord withholds content without the privileged intent
        await session.dispatch("MESSAGE_CREATE", event)
        return message

    # --- reading what the bot did ---------------------------------------------------------

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

    # --- interaction plumbing -------------------------------------------------------------

    def _channel_for(
        self, guild: FakeGuild | None, member: FakeUser, channel: FakeChannel | None
    ) -> FakeChannel:
        if channel is not None:
            return channel
        if guild is None:
            return self.world.dm_channel(member)
        return guild.general

    def _resolve_message(self, ref: MessageRef) -> dict[str, Any]:
        if isinstance(ref, InteractionReply):
            message = ref.message
            if message is None:
                raise CommandError(f"that reply ({ref.type}) has no message to interact with")
            return message
        if isinstance(ref, Mapping):
            ref = ref["id"]
        message = self.world.messages.get(int(ref))
        if message is None:
            raise CommandError(f"unknown message {ref}")
        return message

    async def _component(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        ref: MessageRef,
        custom_id: str,
        values: list[str] | None,
        reply_timeout: float | None,
    ) -> InteractionReply:
        message = self._resolve_message(ref)
        component = next(
            (c for c in iter_components(message["components"]) if c.get("custom_id") == custom_id),
            None,
        )
        if component is None:
            ids = [
                c["custom_id"] for c in iter_components(message["components"]) if "custom_id" in c
            ]
            raise CommandError(f"message {message['id']} has no component {custom_id!r}: {ids}")
        if component.get("disabled"):
            raise CommandError(f"component {custom_id!r} is disabled")
        is_select = component["type"] in (3, 5, 6, 7, 8)
        if is_select != (values is not None):
            verb = "select" if is_select else "click"
            raise CommandError(f"component {custom_id!r} is type {component['type']}: use {verb}()")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        channel = self.world.channels[int(message["channel_id"])]
        pending = await self._send_interaction(
            InteractionKind.MESSAGE_COMPONENT,
            guild,
            member,
            channel,
            data,
            name=custom_id,
            message=message,
        )
        return await self._await_reply(pending, reply_timeout)

    async def _send_interaction(
        self,
        kind: int,
        guild: FakeGuild | None,
        user: FakeUser,
        channel: FakeChannel,
        data: dict[str, Any],
        *,
        name: str,
        message: dict[str, Any] | None = None,
    ) -> PendingInteraction:
        await self._drain()
        pending = PendingInteraction(
            id=self.world.snowflake(),
            token=secrets.token_urlsafe(48),
            kind=kind,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            user=user,
            name=name,
            source_message_id=int(message["id"]) if message else None,
        )
        payload: dict[str, Any] = {
            "id": str(pending.id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "token": pending.token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        channel_data = channel.payload()
        if guild is not None:
            if user.id not in guild.members:
                raise CommandError(f"{user.name} is not a member of {guild.name}")
            bot_permissions = guild.permissions_for(self.world.bot_user.id)
            channel_data["permissions"] = str(guild.permissions_for(user.id))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=guild.members[user.id].payload(permissions=guild.permissions_for(user.id)),
                app_permissions=str(bot_permissions),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                app_permissions="0",
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        payload["channel"] = channel_data
        if message is not None:
            payload["message"] = message
        session = self.hub.session_for_guild(guild.id if guild else None)
        if session is None:
            raise AssertionError(
                "the bot is not connected to the gateway (await double.wait_until_ready())"
            )
        self.rest.interactions[pending.id] = pending
        self.rest.interactions_by_token[pending.token] = pending
        await session.dispatch("INTERACTION_CREATE", payload)
        return pending

    def _reply(self, pending: PendingInteraction) -> InteractionReply:
        return InteractionReply(pending, self.world, self.rest.files)

    async def _await_reply(
        self, pending: PendingInteraction, reply_timeout: float | None
    ) -> InteractionReply:
        timeout = reply_timeout or self.timeout
        errors_before = len(self.validation_errors)
        requests_before = len(self.requests)

        def related_failures() -> list[str]:
            return [
                e
                for e in self.validation_errors[errors_before:]
                if pending.token in e or str(pending.id) in e
            ]

        try:
            await self._signal.wait_until(lambda: pending.complete() or related_failures(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer {pending.name!r} within {timeout}s. "
                f"It did: {pending.log or 'nothing'}; requests meanwhile: "
                f"{self._describe_requests(requests_before)}; failures: {self.failures}"
            ) from None
        failures = related_failures()
        if failures:
            raise AssertionError(
                f"the bot's answer to {pending.name!r} was rejected: {'; '.join(failures)}"
            )
        if pending.callback_type == 6:
            with contextlib.suppress(TimeoutError):
                await self._signal.wait_until(
                    lambda: pending.original_edits or pending.followup_ids, DEFERRED_UPDATE_SETTLE
                )
        return self._reply(pending)
