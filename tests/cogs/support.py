"""Checks shared by every cog test: what the bot sent, and that none of it can ping."""

from __future__ import annotations

from typing import Any

from discord_double import DiscordDouble


def message_bodies(double: DiscordDouble, since: int = 0) -> list[dict[str, Any]]:
    """Every message body the bot sent (channel posts, edits, interaction replies, follow-ups)
    from request number ``since`` on."""
    bodies = []
    for request in double.requests[since:]:
        body = request.json
        if not isinstance(body, dict) or request.method not in ("POST", "PATCH"):
            continue
        if request.path.endswith("/callback"):
            if body.get("type") in (4, 7) and body.get("data"):
                bodies.append(body["data"])
        elif "/messages" in request.path or request.route == "/webhooks/{application_id}/{token}":
            bodies.append(body)
    return bodies


def assert_mentions_inert(double: DiscordDouble, since: int = 0) -> int:
    """Every message body since request ``since`` resolves no mention; returns how many."""
    bodies = message_bodies(double, since)
    for body in bodies:
        allowed = body.get("allowed_mentions")
        assert allowed is not None, body
        assert allowed.get("parse") == [], body
        assert not allowed.get("users"), body
        assert not allowed.get("roles"), body
        assert not allowed.get("replied_user"), body
    return len(bodies)
