"""The double's core: the world, the HTTP/websocket server, recorded traffic and faults.

:class:`DoubleCore` owns the in-memory :class:`World`, the gateway hub, the REST side and the
change signal every wait listens to. The test-facing API is added by the mixins that
:class:`~discord_double.double.DiscordDouble` combines: :mod:`.building` (servers, channels,
members), :mod:`.actions` (what members do) and :mod:`.observing` (what the bot did, and
waiting for it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .gateway import GatewayHub, GatewaySession
from .server import Fault, RecordedRequest, RestApi
from .state import FakeGuild, FakeUser, SnowflakeFactory, World
from .validation import SpecValidator, load_validator
from .waiting import ChangeSignal

__all__ = ["API_PREFIX", "DEFAULT_TIMEOUT", "DoubleCore"]

API_PREFIX = "/api/v10"
DEFAULT_TIMEOUT = 5.0


class DoubleCore:
    """The state and server of a :class:`~discord_double.double.DiscordDouble`."""

    def __init__(
        self,
        *,
        validate: bool | None = True,
        spec_path: Path | str | None = None,
        bot_name: str = "Study Circle",
        heartbeat_interval_ms: int = 41250,
        expect_command_sync: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        snowflakes: SnowflakeFactory | None = None,
    ) -> None:
        """``validate``: check every request against Discord's OpenAPI description (the copy
        shipped in ``spec/``, or ``spec_path``/``$DISCORD_API_SPEC``); a missing description is
        an error. ``validate=None`` validates only if the description is found; ``False`` never.
        ``snowflakes`` makes ids (the bot's own included) another way, e.g. the same every run.
        """
        snowflake = snowflakes or SnowflakeFactory()
        bot_user_id = snowflake()
        bot_user = FakeUser(bot_user_id, bot_name, bot=True)
        self.world = World(snowflake=snowflake, bot_user=bot_user, application_id=bot_user_id)
        self.world.users[bot_user_id] = bot_user
        self.validator: SpecValidator | None = load_validator(validate, spec_path)
        self.expect_command_sync = expect_command_sync
        self.timeout = timeout
        self._signal = ChangeSignal()
        self._change_listeners: list[Callable[[], None]] = []
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

    def add_change_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after every request and gateway event, as it happens (so a
        watcher sees the bot's actions in their order); returns a function that removes it."""
        self._change_listeners.append(listener)
        return lambda: self._change_listeners.remove(listener)

    def _notify(self) -> None:
        self._signal.notify()
        for listener in list(self._change_listeners):
            listener()

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

    def _describe_requests(self, since: int = 0) -> str:
        shown = [str(r) for r in self.requests[since:]][-20:]
        return "; ".join(shown) or "none"

    # --- gateway pushes -------------------------------------------------------------------

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
