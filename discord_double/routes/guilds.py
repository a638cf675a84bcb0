"""Guilds as the bot reads them: the guild, its channels, roles and members."""

from __future__ import annotations

from typing import Any

from .base import AddRoute, Call, RestError, RouteBase

__all__ = ["GuildRoutes"]


class GuildRoutes(RouteBase):
    """``/guilds/{guild_id}``, its channels, roles and members."""

    def register_guild_routes(self, add: AddRoute) -> None:
        guild = "/guilds/{guild_id}"
        add("GET", guild, self.get_guild)
        add("GET", f"{guild}/channels", self.get_guild_channels)
        add("GET", f"{guild}/roles", self.get_guild_roles)
        add("GET", f"{guild}/members", self.get_guild_members)
        add("GET", f"{guild}/members/{{user_id}}", self.get_guild_member)

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
