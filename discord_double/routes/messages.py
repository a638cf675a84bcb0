"""Messages in channels: history, sending (with nonces), edits, deletes, pins, reactions,
typing and ending polls."""

from __future__ import annotations

from typing import Any

from ..messages import expire_poll
from ..state import ChannelType, iso_timestamp
from .base import NO_CONTENT, AddRoute, Call, RestError, RouteBase

__all__ = ["MessageRoutes"]


class MessageRoutes(RouteBase):
    """``/channels/{channel_id}/messages``, pins, reactions, typing and polls."""

    def register_message_routes(self, add: AddRoute) -> None:
        chan = "/channels/{channel_id}"
        msg = f"{chan}/messages/{{message_id}}"
        add("GET", f"{chan}/messages", self.list_messages)
        add("POST", f"{chan}/messages", self.post_message)
        add("GET", f"{chan}/messages/pins", self.list_pins_paginated)  # before {message_id}
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
