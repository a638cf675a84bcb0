"""Application commands: global and per-guild, synced in bulk (PUT) or one at a time."""

from __future__ import annotations

from typing import Any

from .base import NO_CONTENT, AddRoute, Call, RestError, RouteBase

__all__ = ["CommandRoutes"]


class CommandRoutes(RouteBase):
    """``/applications/{application_id}[/guilds/{guild_id}]/commands[/{command_id}]``."""

    def register_command_routes(self, add: AddRoute) -> None:
        app = "/applications/{application_id}"
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
