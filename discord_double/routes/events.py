"""Guild scheduled events: list, create, read, edit and delete, each announced on the gateway."""

from __future__ import annotations

from typing import Any

from ..state import FakeGuild
from .base import NO_CONTENT, AddRoute, Call, RestError, RouteBase

__all__ = ["EventRoutes"]


class EventRoutes(RouteBase):
    """``/guilds/{guild_id}/scheduled-events[/{event_id}]``."""

    def register_event_routes(self, add: AddRoute) -> None:
        events = "/guilds/{guild_id}/scheduled-events"
        add("GET", events, self.list_events)
        add("POST", events, self.create_event)
        add("GET", f"{events}/{{event_id}}", self.get_event)
        add("PATCH", f"{events}/{{event_id}}", self.patch_event)
        add("DELETE", f"{events}/{{event_id}}", self.delete_event)

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
