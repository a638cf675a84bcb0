"""The REST half of the double: Discord API v10 routes over the in-memory world.

Every request is recorded (``RecordedRequest``), checked against Discord's OpenAPI description
when a validator is configured, possibly answered by an injected fault, and otherwise handled by
one of the route handlers in :mod:`discord_double.routes` (one module per resource). Unknown
routes answer 404 like Discord and are recorded as failures so a test notices them.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .gateway import GatewayHub
from .messages import UploadedFile
from .ratelimit import GlobalRateLimit, global_limit_response
from .routes.base import NO_CONTENT, Call, RestError, Route, Router, json_response
from .routes.channels import ChannelRoutes
from .routes.commands import CommandRoutes
from .routes.events import EventRoutes
from .routes.guilds import GuildRoutes
from .routes.identity import IdentityRoutes
from .routes.interactions import InteractionRoutes
from .routes.messages import MessageRoutes
from .state import World
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


class RestApi(
    IdentityRoutes,
    CommandRoutes,
    InteractionRoutes,
    MessageRoutes,
    ChannelRoutes,
    GuildRoutes,
    EventRoutes,
):
    """Discord's REST API over a :class:`World`."""

    def __init__(
        self,
        world: World,
        hub: GatewayHub,
        *,
        validator: SpecValidator | None,
        on_change: Callable[[], None],
    ) -> None:
        super().__init__(world, hub)
        self.validator = validator
        self.on_change = on_change
        self.requests: list[RecordedRequest] = []
        self.validation_errors: list[str] = []
        self.unhandled: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.global_limit = GlobalRateLimit()
        self._router = Router()
        add = self._router.add
        self.register_identity_routes(add)
        self.register_command_routes(add)
        self.register_interaction_routes(add)
        self.register_message_routes(add)
        self.register_channel_routes(add)
        self.register_guild_routes(add)
        self.register_event_routes(add)

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
        wait = self.global_limit.check(request.headers.get("Authorization", ""), path)
        try:
            if wait is not None:
                response = global_limit_response(wait)
            else:
                response = await self._answer(record, route, params)
        finally:
            self.on_change()
        record.status = response.status
        self.on_change()
        return response

    async def _answer(
        self, record: RecordedRequest, route: Route | None, params: dict[str, str]
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
