"""Who the bot is and where to connect: the current user, the application, the gateway, users
and DM channels."""

from __future__ import annotations

from typing import Any

from .base import AddRoute, Call, RestError, RouteBase

__all__ = ["IdentityRoutes"]


class IdentityRoutes(RouteBase):
    """``/users``, ``/applications/@me``, ``/oauth2/applications/@me`` and ``/gateway``."""

    def register_identity_routes(self, add: AddRoute) -> None:
        add("GET", "/users/@me", self.get_current_user)
        add("GET", "/oauth2/applications/@me", self.get_application)
        add("GET", "/applications/@me", self.get_application)
        add("GET", "/gateway", self.get_gateway)
        add("GET", "/gateway/bot", self.get_gateway_bot)
        add("GET", "/users/{user_id}", self.get_user)
        add("POST", "/users/@me/channels", self.create_dm)

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
