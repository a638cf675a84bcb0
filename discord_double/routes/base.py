"""What every group of REST routes shares: the error shape, the call, the router, the state.

``RouteBase`` holds the REST side's state over the :class:`World` (uploaded files, synced
commands, interactions awaiting answers, pins, nonces, channel histories) and the lookups and
message store the route groups use; each group (``routes/*.py``) is a mixin of it with its
handlers and a ``register_*_routes(add)`` method, and :class:`~discord_double.server.RestApi`
combines them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..gateway import GatewayHub
from ..interactions import PendingInteraction
from ..messages import EPHEMERAL, UploadedFile, apply_edit, build_message
from ..state import FakeChannel, FakeGuild, World

__all__ = [
    "NO_CONTENT",
    "AddRoute",
    "Call",
    "Handler",
    "RestError",
    "Route",
    "RouteBase",
    "Router",
    "json_response",
]


class RestError(Exception):
    """Answer the request with Discord's error shape."""

    def __init__(self, status: int, code: int, message: str, errors: Any | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly "application/json" (no charset).
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class Call:
    """What a route handler gets: path parameters, query, JSON body and uploaded files."""

    params: dict[str, str]
    query: dict[str, str]
    body: Any | None
    files: list[UploadedFile]

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


Handler = Callable[[Call], Awaitable[Any]]
NO_CONTENT = object()


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


AddRoute = Callable[[str, str, Handler], None]


class Router:
    """Route templates such as ``/channels/{channel_id}/messages``, matched in the order added."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self._routes.append(Route(method, template, re.compile(f"^{regex}$"), handler))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method == method and (found := route.pattern.match(path)):
                return route, found.groupdict()
        return None


class RouteBase:
    """The REST side's state, lookups that answer Discord's 404s, and the message store."""

    def __init__(self, world: World, hub: GatewayHub) -> None:
        self.world = world
        self.hub = hub
        self.base_url = ""  # set once the server listens
        self.gateway_url = ""  # set by the double once it listens
        self.files: dict[int, UploadedFile] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, PendingInteraction] = {}
        self.interactions_by_token: dict[str, PendingInteraction] = {}
        self.pins: dict[int, list[int]] = {}
        # Messages created with enforce_nonce: Discord returns the first one for a repeat.
        self.nonces: dict[str, int] = {}
        self.channel_order: dict[int, list[int]] = {}

    # --- lookups --------------------------------------------------------------------------

    def _channel(self, channel_id: int) -> FakeChannel:
        channel = self.world.channels.get(channel_id)
        if channel is None:
            raise RestError(404, 10003, "Unknown Channel")
        return channel

    def _guild(self, guild_id: int) -> FakeGuild:
        guild = self.world.guilds.get(guild_id)
        if guild is None:
            raise RestError(404, 10004, "Unknown Guild")
        return guild

    def _message(self, channel_id: int, message_id: int) -> dict[str, Any]:
        message = self.world.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            raise RestError(404, 10008, "Unknown Message")
        return message

    def _interaction_for_token(self, application_id: int, token: str) -> PendingInteraction:
        pending = self.interactions_by_token.get(token)
        if pending is None or application_id != self.world.application_id:
            raise RestError(404, 10015, "Unknown Webhook")
        return pending

    def store_message(self, message: dict[str, Any], *, listed: bool = True) -> dict[str, Any]:
        message_id = int(message["id"])
        self.world.messages[message_id] = message
        if listed:
            self.channel_order.setdefault(int(message["channel_id"]), []).append(message_id)
        return message

    def create_message(
        self,
        channel: FakeChannel,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        interaction: PendingInteraction | None = None,
        flags: int | None = None,
    ) -> dict[str, Any]:
        if flags is not None:
            body = {**body, "flags": flags}
        message = build_message(
            message_id=self.world.snowflake(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.world.bot_user,
            body=body,
            files=files,
            snowflake=self.world.snowflake,
            base_url=self.base_url,
            stored_files=self.files,
            interaction=interaction.metadata() if interaction else None,
            application_id=self.world.application_id,
        )
        # Ephemeral messages are not part of the channel's history.
        return self.store_message(message, listed=not message["flags"] & EPHEMERAL)

    def edit_message(
        self, message: dict[str, Any], body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        return apply_edit(message, body, files, self.world.snowflake, self.base_url, self.files)

    def _forget_message(self, message: dict[str, Any]) -> None:
        message_id = int(message["id"])
        self.world.messages.pop(message_id, None)
        order = self.channel_order.get(int(message["channel_id"]), [])
        if message_id in order:
            order.remove(message_id)

    async def _dispatch(self, guild_id: int | None, event: str, data: Any) -> None:
        session = self.hub.session_for_guild(guild_id)
        if session is not None:
            await session.dispatch(event, data)
