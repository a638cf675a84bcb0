"""The bot's web server on ``HTTP_PORT`` (off when unset), built on aiohttp, which discord.py
already depends on.

* ``/healthz`` — the process is alive and its event loop answers (200).
* ``/readyz`` — the database answers, every shard is connected, and due timers are not far
  behind (200), else 503 with the reasons.
* ``/metrics`` — Prometheus text format (:mod:`bot.metrics`).

Other features add their own routes (e.g. calendar feeds): a cog with a ``web_routes()``
method has its routes added when the server is built (after the cogs load, before it starts);
:meth:`WebServer.add_routes` also works until :meth:`WebServer.start`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.types import StudyBot
from bot.web.probes import (
    Readiness,
    ShardState,
    database_answers,
    readiness,
    timer_backlog,
)

log = logging.getLogger(__name__)


def shard_states(bot: StudyBot) -> list[ShardState]:
    return [
        ShardState(shard_id, not info.is_closed(), info.latency)
        for shard_id, info in sorted(bot.shards.items())
    ]


class WebServer:
    def __init__(self, bot: StudyBot, host: str, port: int) -> None:
        self.bot = bot
        self.host = host
        self.port = port
        self.app = web.Application()
        self.app.add_routes(
            [
                web.get("/healthz", self.healthz),
                web.get("/readyz", self.readyz),
                web.get("/metrics", self.metrics),
            ]
        )
        self._runner: web.AppRunner | None = None
        for cog in bot.cogs.values():
            provide = getattr(cog, "web_routes", None)
            if callable(provide):
                self.add_routes(provide())

    def add_routes(self, routes: Iterable[web.RouteDef]) -> None:
        if self._runner is not None:
            raise RuntimeError("routes must be added before the web server starts")
        self.app.add_routes(list(routes))

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # With port 0 the system picks one (tests); report the real one.
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break
        log.info("web server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="alive")

    async def check(self) -> Readiness:
        bot = self.bot
        _, oldest = await timer_backlog(bot.session_factory, bot.clock(), bot.dispatcher.shards)
        return readiness(
            database_problem=await database_answers(bot.engine),
            gateway_ready=bot.is_ready(),
            shards=shard_states(bot),
            oldest_due=oldest,
            now=bot.clock(),
        )

    async def readyz(self, _request: web.Request) -> web.Response:
        try:
            state = await self.check()
        except Exception:  # the probe must answer even when a query fails
            log.exception("readiness check failed")
            return web.Response(status=503, text="not ready: the check itself failed")
        return web.Response(status=200 if state.ready else 503, text=state.text())

    async def metrics(self, _request: web.Request) -> web.Response:
        await self.refresh_gauges()
        body = generate_latest(self.bot.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def refresh_gauges(self) -> None:
        """Gauges read at scrape time: per-shard gateway state and guilds, timer backlog."""
        bot, metrics = self.bot, self.bot.metrics
        guilds: dict[int, int] = {}
        for guild in bot.guilds:
            guilds[guild.shard_id] = guilds.get(guild.shard_id, 0) + 1
        for state in shard_states(bot):
            shard = str(state.shard_id)
            metrics.gateway_latency.labels(shard).set(state.latency)
            metrics.shard_connected.labels(shard).set(1 if state.connected else 0)
            metrics.guilds.labels(shard).set(guilds.get(state.shard_id, 0))
        counts, _ = await timer_backlog(bot.session_factory, bot.clock(), bot.dispatcher.shards)
        metrics.timer_backlog.clear()
        for kind, count in counts.items():
            metrics.timer_backlog.labels(kind).set(count)
