"""Answering interactions: the callback, follow-ups and the interaction webhook's messages."""

from __future__ import annotations

from typing import Any

from ..interactions import PendingInteraction
from ..messages import EPHEMERAL, LOADING
from .base import NO_CONTENT, AddRoute, Call, RestError, RouteBase

__all__ = ["InteractionRoutes"]


class InteractionRoutes(RouteBase):
    """``/interactions/{id}/{token}/callback`` and ``/webhooks/{application_id}/{token}``."""

    def register_interaction_routes(self, add: AddRoute) -> None:
        add("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback)
        hook = "/webhooks/{application_id}/{token}"
        add("POST", hook, self.followup)
        add("GET", f"{hook}/messages/{{message_id}}", self.get_webhook_message)
        add("PATCH", f"{hook}/messages/{{message_id}}", self.edit_webhook_message)
        add("DELETE", f"{hook}/messages/{{message_id}}", self.delete_webhook_message)

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
