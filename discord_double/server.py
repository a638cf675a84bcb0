"""The REST half of the double: Discord API v10 routes over the in-memory world.

Every request is recorded (``RecordedRequest``), checked against Discord's OpenAPI description
when a validator is configured, possibly answered by an injected fault, and otherwise handled by
one of the route handlers below. Unknown routes answer 404 like Discord and are recorded as
failures so a test notices them.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from .messages import EPHEMERAL, LOADING, UploadedFile, apply_edit, build_message, expire_poll
from .state import ChannelType, FakeChannel, FakeGuild, World, iso_timestamp

if TYPE_CHECKING:
    from .gateway import GatewayHub
    from .interactions import PendingInteraction
    from .validation import SpecValidator

__all__ = ["Fault", "RecordedRequest", "RestApi", "RestError", "json_response"]

log = logging.getLogger(__name__)


@dataclass
class RecordedRequest:
    method: str
    path: str  # after the API base, e.g. "/channels/1/messages"
    route: str | None  # the matched template, e.g. "/channels/{channel_id}/messages"
    query: dict[str, str]
    json: Any | None
    files: list[UploadedFile] = field(default_factory=list)
    status: int | None = None  # filled in once answered
    params: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Fault:
    method: str
    path_pattern: str
    status: int
    times: int
    json: Any | None = None
    retry_after: float | None = None

    def matches(self, method: str, path: str, route: str | None) -> bool:
        if self.method != "*" and self.method.upper() != method:
            return False
        return self.path_pattern in (path, route) or fnmatch.fnmatchcase(path, self.path_pattern)


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
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


class _Router:
    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self._routes.append(_Route(method, template, re.compile(f"^{regex}$"), handler))

    def match(self, method: str, path: str) -> tuple[_Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method == method and (found := route.pattern.match(path)):
                return route, found.groupdict()
        return None


class RestApi:
    """Discord's REST API over a :class:`World`."""

    def __init__(
        self,
        world: World,
        hub: GatewayHub,
        *,
        validator: SpecValidator | None,
        on_change: Callable[[], None],
    ) -> None:
        self.world = world
        self.hub = hub
        self.validator = validator
        self.on_change = on_change
        self.base_url = ""  # set once the server listens
        self.requests: list[RecordedRequest] = []
        self.validation_errors: list[str] = []
        self.unhandled: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.files: dict[int, UploadedFile] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, PendingInteraction] = {}
        self.interactions_by_token: dict[str, PendingInteraction] = {}
        self.pins: dict[int, list[int]] = {}
        # Messages created with enforce_nonce: Discord returns the first one for a repeat.
        self.nonces: dict[str, int] = {}
        self.channel_order: dict[int, list[int]] = {}
        self._router = _Router()
        self._register_routes()

    # --- plumbing -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        found = self._router.match(request.method, path)
        route, params = found if found else (None, {})
        record = RecordedRequest(
            method=request.method,
            path=path,
            route=route.template if route else None,
            query=dict(request.query),
            json=body,
            files=files,
            params=params,
        )
        self.requests.append(record)
        try:
            response = await self._answer(record, route, params)
        finally:
            self.on_change()
        record.status = response.status
        self.on_change()
        return response

    async def _answer(
        self, record: RecordedRequest, route: _Route | None, params: dict[str, str]
    ) -> web.Response:
        if self.validator is not None:
            problems = self.validator.validate(record.method, record.path, record.json)
            if problems and self.validator.find_operation(record.method, record.path) is None:
                # Discord answers an undocumented route with a plain 404.
                self.validation_errors.extend(problems)
                if route is None:
                    self.unhandled.append(record)
                return json_response({"message": "404: Not Found", "code": 0}, 404)
            if problems:
                self.validation_errors.extend(problems)
                log.error("Discord double rejected a request: %s", "; ".join(problems))
                return json_response(
                    RestError(400, 50035, "Invalid Form Body", {"_problems": problems}).body(),
                    400,
                )
        fault = self._take_fault(record)
        if fault is not None:
            return _fault_response(fault)
        if route is None:
            self.unhandled.append(record)
            log.error("Discord double has no route for %s %s", record.method, record.path)
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        call = Call(params, record.query, record.json, record.files)
        try:
            result = await route.handler(call)
        except RestError as error:
            return json_response(error.body(), error.status)
        except Exception as error:  # a bug in the double (or a body it cannot handle)
            log.exception("Discord double failed on %s %s", record.method, record.path)
            problem = f"{record.method} {record.path}: the double failed: {error!r}"
            self.validation_errors.append(problem)
            # 400, not 500: discord.py retries 5xx for seconds; the test should fail now.
            return json_response({"message": problem, "code": 0}, 400)
        if result is NO_CONTENT:
            return web.Response(status=204)
        return json_response(result)

    def _take_fault(self, record: RecordedRequest) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.matches(record.method, record.path, record.route):
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def serve_attachment(self, request: web.Request) -> web.Response:
        upload = self.files.get(int(request.match_info["attachment_id"]))
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.content_type)

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

    # --- routes ---------------------------------------------------------------------------

    def _register_routes(self) -> None:
        add = self._router.add
        app = "/applications/{application_id}"
        add("GET", "/users/@me", self.get_current_user)
        add("GET", "/oauth2/applications/@me", self.get_application)
        add("GET", "/applications/@me", self.get_application)
        add("GET", "/gateway", self.get_gateway)
        add("GET", "/gateway/bot", self.get_gateway_bot)
        add("GET", "/users/{user_id}", self.get_user)
        add("POST", "/users/@me/channels", self.create_dm)
        # application commands
        add("GET", f"{app}/commands", self.get_commands)
        add("PUT", f"{app}/commands", self.put_commands)
        add("POST", f"{app}/commands", self.post_command)
        add("GET", f"{app}/commands/{{command_id}}", self.get_command)
        add("PATCH", f"{app}/commands/{{command_id}}", self.patch_command)
        add("DELETE", f"{app}/commands/{{command_id}}", self.delete_command)
        add("GET", f"{app}/guilds/{{guild_id}}/commands", self.get_commands)
        add("PUT", f"{app}/guilds/{{guild_id}}/commands", self.put_commands)
        add("POST", f"{app}/guilds/{{guild_id}}/commands", self.post_command)
        add("GET", f"{app}/guilds/{{guild_id}}/commands/{{command_id}}", self.get_command)
        add("PATCH", f"{app}/guilds/{{guild_id}}/commands/{{command_id}}", self.patch_command)
        add("DELETE", f"{app}/guilds/{{guild_id}}/commands/{{command_id}}", self.delete_command)
        # interactions
        add("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback)
        hook = "/webhooks/{application_id}/{token}"
        add("POST", hook, self.followup)
        add("GET", f"{hook}/messages/{{message_id}}", self.get_webhook_message)
        add("PATCH", f"{hook}/messages/{{message_id}}", self.edit_webhook_message)
        add("DELETE", f"{hook}/messages/{{message_id}}", self.delete_webhook_message)
        # channels and messages
        chan = "/channels/{channel_id}"
        msg = f"{chan}/messages/{{message_id}}"
        add("GET", chan, self.get_channel)
        add("PATCH", chan, self.patch_channel)
        add("GET", f"{chan}/messages", self.list_messages)
        add("POST", f"{chan}/messages", self.post_message)
        add("GET", f"{chan}/messages/pins", self.list_pins_paginated)
        add("PUT", f"{chan}/messages/pins/{{message_id}}", self.pin)
        add("DELETE", f"{chan}/messages/pins/{{message_id}}", self.unpin)
        add("GET", f"{chan}/pins", self.list_pins)
        add("PUT", f"{chan}/pins/{{message_id}}", self.pin)
        add("DELETE", f"{chan}/pins/{{message_id}}", self.unpin)
        add("GET", msg, self.get_message)
        add("PATCH", msg, self.patch_message)
        add("DELETE", msg, self.delete_message)
        add("PUT", f"{msg}/reactions/{{emoji}}/@me", self.add_reaction)
        add("DELETE", f"{msg}/reactions/{{emoji}}/@me", self.remove_reaction)
        add("POST", f"{chan}/typing", self.typing)
        add("POST", f"{chan}/polls/{{message_id}}/expire", self.expire_poll)
        # threads
        add("POST", f"{chan}/threads", self.create_thread)
        add("POST", f"{msg}/threads", self.create_thread_from_message)
        add("PUT", f"{chan}/thread-members/@me", self.join_thread)
        add("PUT", f"{chan}/thread-members/{{user_id}}", self.join_thread)
        # guilds
        guild = "/guilds/{guild_id}"
        add("GET", guild, self.get_guild)
        add("GET", f"{guild}/channels", self.get_guild_channels)
        add("GET", f"{guild}/roles", self.get_guild_roles)
        add("GET", f"{guild}/members", self.get_guild_members)
        add("GET", f"{guild}/members/{{user_id}}", self.get_guild_member)
        events = f"{guild}/scheduled-events"
        add("GET", events, self.list_events)
        add("POST", events, self.create_event)
        add("GET", f"{events}/{{event_id}}", self.get_event)
        add("PATCH", f"{events}/{{event_id}}", self.patch_event)
        add("DELETE", f"{events}/{{event_id}}", self.delete_event)

    # identity

    async def get_current_user(self, call: Call) -> Any:
        return {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0}

    async def get_application(self, call: Call) -> Any:
        owner = {
            "id": "1",
            "username": "owner",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
        }
        return {
            "id": str(self.world.application_id),
            "name": self.world.bot_user.name,
            "icon": None,
            "description": "Loopback Discord double",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": self.world.bot_user.payload(),
            "terms_of_service_url": None,
            "privacy_policy_url": None,
            "owner": owner,
            "summary": "",
            "verify_key": "0" * 64,
            "team": None,
            "guild_id": None,
            "flags": 0,
            "tags": [],
            "approximate_guild_count": len(self.world.guilds),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
        }

    async def get_gateway(self, call: Call) -> Any:
        return {"url": self.gateway_url}

    async def get_gateway_bot(self, call: Call) -> Any:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    gateway_url = ""  # set by the double once it listens

    async def get_user(self, call: Call) -> Any:
        user = self.world.users.get(call.int_param("user_id"))
        if user is None:
            raise RestError(404, 10013, "Unknown User")
        return user.payload()

    async def create_dm(self, call: Call) -> Any:
        user = self.world.users.get(int(call.json.get("recipient_id", 0)))
        if user is None:
            raise RestError(404, 10013, "Unknown User")
        return self.world.dm_channel(user).payload()

    # application commands

    def _command_list(self, call: Call) -> list[dict[str, Any]]:
        if int(call.params["application_id"]) != self.world.application_id:
            raise RestError(404, 10002, "Unknown Application")
        if "guild_id" in call.params:
            return self.guild_commands.setdefault(call.int_param("guild_id"), [])
        return self.global_commands

    def _stored_command(
        self, body: dict[str, Any], existing: list[dict[str, Any]], guild_id: str | None
    ) -> dict[str, Any]:
        kind = body.get("type", 1)
        same = next((c for c in existing if c["name"] == body["name"] and c["type"] == kind), None)
        command = {
            "id": same["id"] if same else str(self.world.snowflake()),
            "application_id": str(self.world.application_id),
            "version": str(self.world.snowflake()),
            "type": kind,
            "name": body["name"],
            "description": body.get("description", ""),
            "options": body.get("options", []),
            "default_member_permissions": body.get("default_member_permissions"),
            "dm_permission": body.get("dm_permission", True),
            "nsfw": body.get("nsfw", False),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types", [0]),
            "name_localizations": body.get("name_localizations"),
            "description_localizations": body.get("description_localizations"),
        }
        if guild_id is not None:
            command["guild_id"] = guild_id
        return command

    async def get_commands(self, call: Call) -> Any:
        return self._command_list(call)

    async def put_commands(self, call: Call) -> Any:
        existing = self._command_list(call)
        guild_id = call.params.get("guild_id")
        stored = [self._stored_command(body, existing, guild_id) for body in call.body or []]
        existing[:] = stored
        return stored

    async def post_command(self, call: Call) -> Any:
        existing = self._command_list(call)
        command = self._stored_command(call.json, existing, call.params.get("guild_id"))
        existing[:] = [c for c in existing if c["id"] != command["id"]] + [command]
        return command

    def _find_command(self, call: Call) -> dict[str, Any]:
        for command in self._command_list(call):
            if command["id"] == call.params["command_id"]:
                return command
        raise RestError(404, 10063, "Unknown application command")

    async def get_command(self, call: Call) -> Any:
        return self._find_command(call)

    async def patch_command(self, call: Call) -> Any:
        command = self._find_command(call)
        command.update({k: v for k, v in call.json.items() if k in command})
        return command

    async def delete_command(self, call: Call) -> Any:
        command = self._find_command(call)
        self._command_list(call).remove(command)
        return NO_CONTENT

    # interactions

    async def interaction_callback(self, call: Call) -> Any:
        pending = self.interactions.get(call.int_param("interaction_id"))
        if pending is None or pending.token != call.params["token"]:
            raise RestError(404, 10062, "Unknown interaction")
        if pending.answered:
            raise RestError(400, 40060, "Interaction has already been acknowledged.")
        body = call.json
        kind = int(body["type"])
        data = body.get("data") or {}
        pending.callback_type, pending.callback_body = kind, body
        pending.log.append(f"callback type {kind}")
        channel = self._channel(pending.channel_id)
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self.create_message(channel, data, call.files, interaction=pending)
            pending.original_message_id = int(message["id"])
        elif kind == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = self.create_message(channel, {}, [], interaction=pending, flags=flags)
            pending.original_message_id = int(message["id"])
        elif kind == 7 and pending.source_message_id is not None:
            message = self.world.messages[pending.source_message_id]
            self.edit_message(message, data, call.files)
        result: dict[str, Any] = {
            "interaction": {
                "id": str(pending.id),
                "type": pending.kind,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"]["message"] = message
        return result

    async def followup(self, call: Call) -> Any:
        pending = self._interaction_for_token(
            call.int_param("application_id"), call.params["token"]
        )
        original = self.world.messages.get(pending.original_message_id or 0)
        if pending.callback_type == 5 and original is not None and original["flags"] & LOADING:
            # Like Discord: the first follow-up after a deferral replaces the "thinking" message
            # (and keeps its ephemerality).
            message = self.edit_message(original, call.json, call.files)
            pending.original_edits += 1
            pending.log.append("follow-up replacing the deferral")
        else:
            channel = self._channel(pending.channel_id)
            message = self.create_message(channel, call.json, call.files, interaction=pending)
            pending.followup_ids.append(int(message["id"]))
            pending.log.append("follow-up")
        wait = call.query.get("wait", "false").lower() in ("1", "true")
        return message if wait else NO_CONTENT

    def _webhook_message(self, call: Call) -> tuple[PendingInteraction, dict[str, Any]]:
        pending = self._interaction_for_token(
            call.int_param("application_id"), call.params["token"]
        )
        raw_id = call.params["message_id"]
        if raw_id == "@original":
            message_id = pending.original_message_id
            if message_id is None and pending.callback_type in (6, 7):
                message_id = pending.source_message_id
        else:
            message_id = int(raw_id)
        message = self.world.messages.get(message_id) if message_id is not None else None
        if message is None:
            raise RestError(404, 10008, "Unknown Message")
        return pending, message

    async def get_webhook_message(self, call: Call) -> Any:
        return self._webhook_message(call)[1]

    async def edit_webhook_message(self, call: Call) -> Any:
        pending, message = self._webhook_message(call)
        self.edit_message(message, call.json, call.files)
        if call.params["message_id"] == "@original":
            pending.original_edits += 1
            pending.log.append("edit of @original")
        return message

    async def delete_webhook_message(self, call: Call) -> Any:
        pending, message = self._webhook_message(call)
        self._forget_message(message)
        pending.log.append(f"delete of {call.params['message_id']}")
        return NO_CONTENT

    # channels and messages

    async def get_channel(self, call: Call) -> Any:
        return self._channel(call.int_param("channel_id")).payload()

    async def patch_channel(self, call: Call) -> Any:
        channel = self._channel(call.int_param("channel_id"))
        body = call.json
        if "name" in body:
            channel.name = body["name"]
        if "topic" in body:
            channel.topic = body["topic"]
        if "archived" in body:
            channel.archived = bool(body["archived"])
        data = channel.payload()
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self._dispatch(channel.guild_id, event, data)
        return data

    async def list_messages(self, call: Call) -> Any:
        channel = self._channel(call.int_param("channel_id"))
        ids = self.channel_order.get(channel.id, [])
        limit = int(call.query.get("limit", 50))
        before = int(call.query.get("before", 0)) or None
        after = int(call.query.get("after", 0)) or None
        chosen = [
            i
            for i in ids
            if i in self.world.messages
            and (before is None or i < before)
            and (after is None or i > after)
        ]
        newest_first = sorted(chosen, reverse=True)[:limit]
        return [self.world.messages[i] for i in newest_first]

    async def post_message(self, call: Call) -> Any:
        channel = self._channel(call.int_param("channel_id"))
        if channel.type == ChannelType.dm and channel.recipient and channel.recipient.closed_dms:
            raise RestError(403, 50007, "Cannot send messages to this user")
        nonce = call.json.get("nonce") if call.json.get("enforce_nonce") else None
        if nonce is not None and str(nonce) in self.nonces:
            # Discord's idempotency: the same author and nonce give back the earlier message.
            earlier = self.world.messages.get(self.nonces[str(nonce)])
            if earlier is not None:
                return earlier
        message = self.create_message(channel, call.json, call.files)
        if nonce is not None:
            self.nonces[str(nonce)] = int(message["id"])
        return message

    async def get_message(self, call: Call) -> Any:
        return self._message(call.int_param("channel_id"), call.int_param("message_id"))

    async def patch_message(self, call: Call) -> Any:
        message = self._message(call.int_param("channel_id"), call.int_param("message_id"))
        return self.edit_message(message, call.json, call.files)

    async def delete_message(self, call: Call) -> Any:
        message = self._message(call.int_param("channel_id"), call.int_param("message_id"))
        self._forget_message(message)
        return NO_CONTENT

    def _forget_message(self, message: dict[str, Any]) -> None:
        message_id = int(message["id"])
        self.world.messages.pop(message_id, None)
        order = self.channel_order.get(int(message["channel_id"]), [])
        if message_id in order:
            order.remove(message_id)

    async def list_pins(self, call: Call) -> Any:
        channel_id = call.int_param("channel_id")
        self._channel(channel_id)
        return [self.world.messages[i] for i in reversed(self.pins.get(channel_id, []))]

    async def list_pins_paginated(self, call: Call) -> Any:
        messages = await self.list_pins(call)
        items = [{"pinned_at": iso_timestamp(), "message": message} for message in messages]
        return {"items": items, "has_more": False}

    async def pin(self, call: Call) -> Any:
        channel_id = call.int_param("channel_id")
        message = self._message(channel_id, call.int_param("message_id"))
        message["pinned"] = True
        pins = self.pins.setdefault(channel_id, [])
        if int(message["id"]) not in pins:
            pins.append(int(message["id"]))
        return NO_CONTENT

    async def unpin(self, call: Call) -> Any:
        channel_id = call.int_param("channel_id")
        message = self._message(channel_id, call.int_param("message_id"))
        message["pinned"] = False
        pins = self.pins.setdefault(channel_id, [])
        if int(message["id"]) in pins:
            pins.remove(int(message["id"]))
        return NO_CONTENT

    async def add_reaction(self, call: Call) -> Any:
        message = self._message(call.int_param("channel_id"), call.int_param("message_id"))
        emoji = call.params["emoji"]
        name, _, emoji_id = emoji.partition(":")
        for reaction in message["reactions"]:
            if reaction["emoji"]["name"] == name:
                if not reaction["me"]:
                    reaction["me"] = True
                    reaction["count"] += 1
                return NO_CONTENT
        message["reactions"].append(
            {
                "emoji": {"id": emoji_id or None, "name": name},
                "count": 1,
                "count_details": {"burst": 0, "normal": 1},
                "me": True,
                "me_burst": False,
                "burst_colors": [],
            }
        )
        return NO_CONTENT

    async def remove_reaction(self, call: Call) -> Any:
        message = self._message(call.int_param("channel_id"), call.int_param("message_id"))
        name = call.params["emoji"].partition(":")[0]
        for reaction in list(message["reactions"]):
            if reaction["emoji"]["name"] == name and reaction["me"]:
                reaction["me"] = False
                reaction["count"] -= 1
                if reaction["count"] == 0:
                    message["reactions"].remove(reaction)
        return NO_CONTENT

    async def typing(self, call: Call) -> Any:
        self._channel(call.int_param("channel_id"))
        return NO_CONTENT

    async def expire_poll(self, call: Call) -> Any:
        message = self._message(call.int_param("channel_id"), call.int_param("message_id"))
        if "poll" not in message:
            raise RestError(400, 50035, "Invalid Form Body: message has no poll")
        return expire_poll(message)

    # threads

    def _new_thread(
        self, parent: FakeChannel, name: str, kind: int, *, thread_id: int | None = None
    ) -> FakeChannel:
        guild = self._guild(parent.guild_id or 0)
        thread = FakeChannel(
            id=thread_id or self.world.snowflake(),
            name=name,
            type=kind,
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=self.world.bot_user.id,
        )
        guild.channels[thread.id] = thread
        self.world.channels[thread.id] = thread
        return thread

    async def create_thread(self, call: Call) -> Any:
        parent = self._channel(call.int_param("channel_id"))
        body = call.json
        kind = int(body.get("type") or ChannelType.private_thread)
        if parent.type == ChannelType.forum:
            kind = ChannelType.public_thread
        thread = self._new_thread(parent, body["name"], kind)
        data = thread.payload()
        if parent.type == ChannelType.forum and body.get("message"):
            starter = self.create_message(thread, body["message"], call.files)
            data["message"] = starter
        await self._dispatch(thread.guild_id, "THREAD_CREATE", {**data, "newly_created": True})
        return data

    async def create_thread_from_message(self, call: Call) -> Any:
        parent = self._channel(call.int_param("channel_id"))
        message = self._message(parent.id, call.int_param("message_id"))
        thread = self._new_thread(
            parent, call.json["name"], ChannelType.public_thread, thread_id=int(message["id"])
        )
        message["thread"] = thread.payload()
        data = thread.payload()
        await self._dispatch(thread.guild_id, "THREAD_CREATE", {**data, "newly_created": True})
        return data

    async def join_thread(self, call: Call) -> Any:
        thread = self._channel(call.int_param("channel_id"))
        if not thread.is_thread:
            raise RestError(400, 50024, "Cannot execute action on this channel type")
        return NO_CONTENT

    # guilds

    async def get_guild(self, call: Call) -> Any:
        guild = self._guild(call.int_param("guild_id"))
        data = guild.payload(bot_user_id=self.world.bot_user.id)
        for key in ("channels", "threads", "members", "voice_states", "presences"):
            data.pop(key, None)
        return data

    async def get_guild_channels(self, call: Call) -> Any:
        guild = self._guild(call.int_param("guild_id"))
        return [c.payload() for c in guild.channels.values() if not c.is_thread]

    async def get_guild_roles(self, call: Call) -> Any:
        return [r.payload() for r in self._guild(call.int_param("guild_id")).roles.values()]

    async def get_guild_members(self, call: Call) -> Any:
        guild = self._guild(call.int_param("guild_id"))
        limit = int(call.query.get("limit", 1))
        after = int(call.query.get("after", 0))
        members = sorted(guild.members.values(), key=lambda m: m.user.id)
        return [m.payload() for m in members if m.user.id > after][:limit]

    async def get_guild_member(self, call: Call) -> Any:
        guild = self._guild(call.int_param("guild_id"))
        member = guild.members.get(call.int_param("user_id"))
        if member is None:
            raise RestError(404, 10007, "Unknown Member")
        return member.payload()

    # scheduled events

    def _event(self, call: Call) -> tuple[FakeGuild, dict[str, Any]]:
        guild = self._guild(call.int_param("guild_id"))
        event = guild.scheduled_events.get(call.int_param("event_id"))
        if event is None:
            raise RestError(404, 10070, "Unknown Guild Scheduled Event")
        return guild, event

    async def list_events(self, call: Call) -> Any:
        return list(self._guild(call.int_param("guild_id")).scheduled_events.values())

    async def create_event(self, call: Call) -> Any:
        guild = self._guild(call.int_param("guild_id"))
        body = call.json
        event_id = self.world.snowflake()
        event = {
            "id": str(event_id),
            "guild_id": str(guild.id),
            "channel_id": str(body["channel_id"]) if body.get("channel_id") else None,
            "creator_id": str(self.world.bot_user.id),
            "creator": self.world.bot_user.payload(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body["entity_type"],
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
        }
        guild.scheduled_events[event_id] = event
        await self._dispatch(guild.id, "GUILD_SCHEDULED_EVENT_CREATE", event)
        return event

    async def get_event(self, call: Call) -> Any:
        return self._event(call)[1]

    async def patch_event(self, call: Call) -> Any:
        guild, event = self._event(call)
        for key, value in call.json.items():
            if key == "channel_id":
                event[key] = str(value) if value else None
            elif key in event:
                event[key] = value
        await self._dispatch(guild.id, "GUILD_SCHEDULED_EVENT_UPDATE", event)
        return event

    async def delete_event(self, call: Call) -> Any:
        guild, event = self._event(call)
        del guild.scheduled_events[int(event["id"])]
        await self._dispatch(guild.id, "GUILD_SCHEDULED_EVENT_DELETE", event)
        return NO_CONTENT

    async def _dispatch(self, guild_id: int | None, event: str, data: Any) -> None:
        session = self.hub.session_for_guild(guild_id)
        if session is not None:
            await session.dispatch(event, data)


async def _read_body(request: web.Request) -> tuple[Any | None, list[UploadedFile]]:
    if not request.can_read_body:
        return None, []
    content_type = request.content_type
    if content_type == "multipart/form-data":
        body: Any | None = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # discord.py never nests multipart bodies
            data = await part.read(decode=False)
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files.append(
                    UploadedFile(
                        part.name or "", part.filename or "file", content_type, bytes(data)
                    )
                )
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    return json.loads(raw), []


def _fault_response(fault: Fault) -> web.Response:
    if fault.status == 429:
        retry_after = fault.retry_after if fault.retry_after is not None else 0.05
        body = fault.json or {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
            "code": 0,
        }
        headers = {
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "double-fault",
            "X-RateLimit-Scope": "user",
            # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
            "Via": "1.1 google",
        }
        return json_response(body, 429, headers)
    default_messages = {
        403: (50013, "Missing Permissions"),
        404: (10003, "Unknown Channel"),
    }
    code, message = default_messages.get(fault.status, (0, f"{fault.status}: injected failure"))
    return json_response(fault.json or {"message": message, "code": code}, fault.status)
