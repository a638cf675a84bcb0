"""Discord's global rate limit, as the double enforces it.

Discord allows a bot 50 requests per second across all its REST calls, whatever the route and
whichever process sends them; past that it answers ``429`` with ``"global": true``, the header
``X-RateLimit-Global: true`` and a ``retry_after`` in seconds. Interaction callbacks and the
interaction webhooks (follow-ups) are exempt, as on Discord.

The double counts requests in a sliding one-second window per bot token, so several bot
processes sharing a token share the budget, as they do on Discord.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from aiohttp import web

from .routes.base import json_response

GLOBAL_LIMIT_PER_SECOND = 50
WINDOW_SECONDS = 1.0
EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


class GlobalRateLimit:
    def __init__(
        self,
        per_second: int = GLOBAL_LIMIT_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.clock = clock
        self._sent: dict[str, deque[float]] = {}
        self.limited = 0  # how many requests were answered 429

    def exempt(self, path: str) -> bool:
        return path.startswith(EXEMPT_PREFIXES)

    def check(self, token: str, path: str) -> float | None:
        """Record a request; None if allowed, else the seconds to wait before retrying."""
        if self.exempt(path):
            return None
        now = self.clock()
        sent = self._sent.setdefault(token, deque())
        while sent and sent[0] <= now - WINDOW_SECONDS:
            sent.popleft()
        if len(sent) >= self.per_second:
            self.limited += 1
            return max(sent[0] + WINDOW_SECONDS - now, 0.001)
        sent.append(now)
        return None


def global_limit_response(retry_after: float) -> web.Response:
    body = {
        "message": "You are being rate limited.",
        "retry_after": round(retry_after, 3),
        "global": True,
        "code": 0,
    }
    headers = {
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
        # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
        "Via": "1.1 google",
    }
    return json_response(body, 429, headers)
