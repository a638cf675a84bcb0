"""Channels and threads: reading and editing a channel, starting and joining threads."""

from __future__ import annotations

from typing import Any

from ..state import ChannelType, FakeChannel
from .base import NO_CONTENT, AddRoute, Call, RestError, RouteBase

__all__ = ["ChannelRoutes"]


class ChannelRoutes(RouteBase):
    """``/channels/{channel_id}``, its threads and thread members."""

    def register_channel_routes(self, add: AddRoute) -> None:
        chan = "/channels/{channel_id}"
        add("GET", chan, self.get_channel)
        add("PATCH", chan, self.patch_channel)
        add("POST", f"{chan}/threads", self.create_thread)
        add("POST", f"{chan}/messages/{{message_id}}/threads", self.create_thread_from_message)
        add("PUT", f"{chan}/thread-members/@me", self.join_thread)
        add("PUT", f"{chan}/thread-members/{{user_id}}", self.join_thread)

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
