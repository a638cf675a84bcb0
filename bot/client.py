"""The bot: a thin AutoShardedBot that wires dependencies and loads every cog."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
import time
from collections.abc import Coroutine
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands, tasks
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import cogs
from bot import __version__
from bot.config import GuildConfigService
from bot.health import HEARTBEAT_EVERY, write_heartbeat
from bot.library.loader import ContentPack
from bot.metrics import Metrics
from bot.pacing import TokenBucket, exempt, share_of_budget
from bot.scheduling import TimerDispatcher, TimerRecord, TimerService
from bot.scheduling.clock import Clock, Sleeper, real_sleep_until, utc_now
from bot.scheduling.timers.shards import shard_of
from bot.scheduling.timers.wakeups import PostgresWakeups
from bot.services import build_services
from bot.settings import Settings
from bot.shutdown import discord_handler_tasks, finish
from bot.types import StudyBot
from bot.ui import observe
from bot.ui.errors import CommandTree
from bot.ui.paginator import PageButton, PageSource
from bot.ui.session_events import SessionEvents
from bot.web.server import WebServer

log = logging.getLogger(__name__)


def extension_names() -> list[str]:
    """Every module in ``cogs/`` (private helpers start with an underscore)."""
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


def rest_trace(metrics: Metrics, bucket: TokenBucket) -> aiohttp.TraceConfig:
    """Paces every REST call under this process's share of Discord's global limit (see
    bot/pacing.py) and counts every response, 429s included (discord.py retries those itself,
    so they never reach the bot as errors)."""
    trace = aiohttp.TraceConfig()

    async def on_request_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        if params.url.scheme in {"http", "https"} and not exempt(params.url.path):
            await bucket.take()

    async def on_request_end(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        status = params.response.status
        if status != 101:  # the gateway's websocket upgrade is not a REST call
            metrics.rest_responses.labels(params.method, str(status)).inc()

    trace.on_request_start.append(on_request_start)
    trace.on_request_end.append(on_request_end)
    return trace


def point_discord_py_at(settings: Settings) -> None:
    """Send REST and gateway traffic where the settings say (Discord, or a compatible server).

    discord.py keeps both endpoints as class attributes and connects straight to
    ``DEFAULT_GATEWAY``, so these two assignments are the whole switch.
    """
    discord.http.Route.BASE = settings.discord_api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class StudyCircle(StudyBot):
    """Holds the shared dependencies; features live in the cogs."""

    def __init__(
        self,
        *,
        settings: Settings,
        engine: AsyncEngine,
        session_factory: async_sessionmaker[AsyncSession],
        content: ContentPack,
        clock: Clock = utc_now,
        sleep_until: Sleeper = real_sleep_until,
        extensions: list[str] | None = None,
        **options: Any,
    ) -> None:
        shard_options: dict[str, Any] = {}
        if settings.shard_count is not None:
            shard_options["shard_count"] = settings.shard_count
            shard_options["shard_ids"] = settings.shard_ids
        metrics = Metrics()
        self.settings = settings
        # Created before the dispatcher, whose leases say how many shards this process serves.
        self.pacing = TokenBucket(self._rest_budget)
        super().__init__(
            command_prefix=commands.when_mentioned,
            http_trace=rest_trace(metrics, self.pacing),
            help_command=None,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CommandTree,
            # discord.py waits this long for more GUILD_CREATEs before on_ready (2 s by
            # default, meant for member chunking, which this bot does not use).
            guild_ready_timeout=options.pop("guild_ready_timeout", 0.5),
            **shard_options,
            **options,
        )
        self.metrics = metrics
        self.web: WebServer | None = None
        self.engine = engine
        self.session_factory = session_factory
        self.clock = clock
        self.guild_config = GuildConfigService(session_factory)
        # One timer core for every feature: cogs register handlers for their kinds in cog_load.
        self.timers = TimerService(session_factory, clock=clock)
        self.dispatcher = TimerDispatcher(
            session_factory,
            timers=self.timers,
            clock=clock,
            sleep_until=sleep_until,
            shard_count=settings.shard_count,
            shard_ids=settings.shard_ids,
            on_missed=self.report_missed_timers,
            observer=metrics.timer_finished,
            wakeups=PostgresWakeups(engine) if engine.dialect.name == "postgresql" else None,
        )
        self._background: set[asyncio.Task[None]] = set()
        self._sessions_synced = False
        self.content = content
        self.services = build_services(content, session_factory, self.timers, clock)
        self.started_monotonic = time.monotonic()
        self.version = __version__
        self.failed_extensions: dict[str, BaseException] = {}
        self.page_sources: dict[str, PageSource] = {}
        self.session_events = SessionEvents(self)
        self._extensions_to_load = extensions if extensions is not None else extension_names()
        point_discord_py_at(settings)

    async def setup_hook(self) -> None:
        # Persistent components are parsed from their custom ids, so they survive restarts.
        self.add_dynamic_items(PageButton)
        for name in self._extensions_to_load:
            try:
                await self.load_extension(name)
            except commands.ExtensionError as error:
                # One broken feature must not take the others down with it.
                self.failed_extensions[name] = error
                log.exception("could not load extension %s", name)
        await self.sync_commands()
        if self.settings.http_port is not None:
            self.web = WebServer(self, self.settings.http_host, self.settings.http_port)
            await self.web.start()
        await self.services.library.start()
        await self.dispatcher.start()
        self.heartbeat.start()

    def _in_background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _sync_sessions(self) -> None:
        try:
            started = time.monotonic()
            count = await self.services.sessions.sync_all(self.dispatcher.shards)
            log.info(
                "session timers of %d servers brought up to date in %.1f s",
                count,
                time.monotonic() - started,
            )
        except Exception:
            log.exception("could not bring the session timers up to date")

    async def close(self) -> None:
        self.heartbeat.cancel()
        # Cancel them and wait for them to unwind, so no database connection is still checked
        # out when the engine is disposed.
        await finish(self._background, 0)
        # Running timers and the commands, events and button clicks in flight share one grace
        # period; the gateway stays open meanwhile so their replies still reach Discord.
        grace = self.settings.shutdown_grace_seconds
        _, cut = await asyncio.gather(
            self.dispatcher.stop(grace), finish(discord_handler_tasks(), grace)
        )
        if cut:
            log.warning("%d commands or events were still running after %.0f s", len(cut), grace)
        if self.web is not None:
            await self.web.stop()
        await super().close()
        # Whatever arrived during the grace period is stopped now, before the engine goes.
        await finish(discord_handler_tasks(), 0)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        _command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        observe.finish(interaction, observe.OK)

    async def report_missed_timers(self, missed: list[TimerRecord]) -> None:
        """Tell each server's organisers (in the log channel) what was missed during downtime."""
        by_guild: dict[int, list[TimerRecord]] = {}
        for record in missed:
            by_guild.setdefault(record.guild_id, []).append(record)
        for guild_id, records in by_guild.items():
            log.warning("guild %s: %d scheduled actions missed", guild_id, len(records))
            channel_id = (await self.guild_config.get(guild_id)).channels.get("log")
            if channel_id is None:
                continue
            kinds = ", ".join(sorted({r.kind for r in records}))
            text = (
                f"While I was offline, {len(records)} scheduled action(s) passed their time "
                f"and were skipped rather than sent late: {kinds}."
            )
            try:
                await self.get_partial_messageable(channel_id, guild_id=guild_id).send(text)
            except discord.HTTPException:
                log.warning("could not tell guild %s about missed timers", guild_id)

    @tasks.loop(seconds=HEARTBEAT_EVERY.total_seconds())
    async def heartbeat(self) -> None:
        if self.is_ready():
            write_heartbeat(self.settings.heartbeat_path, self.latency, self.clock())

    async def sync_commands(self) -> None:
        guild_id = self.settings.discord_dev_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d application commands", len(synced))

    def _rest_budget(self) -> float:
        dispatcher: TimerDispatcher | None = getattr(self, "dispatcher", None)
        if dispatcher is None:
            return share_of_budget(
                len(self.settings.shard_ids or [0]), self.settings.shard_count or 1
            )
        leases = dispatcher.leases
        return share_of_budget(len(leases.held | leases.configured), leases.shard_count)

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process looks after the guild's timed work: its configured shards
        (also before the dispatcher has its leases), and any it has taken over from a stopped
        process (see bot/scheduling/timers/leases.py)."""
        leases = self.dispatcher.leases
        return shard_of(guild_id, leases.shard_count) in leases.held | leases.configured

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_monotonic

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))
        if not self._sessions_synced:
            # After downtime, roll this process's servers' session timers on to the coming
            # occurrences. It only adds timers days ahead, so it runs once the gateway is
            # connected rather than delaying it.
            self._sessions_synced = True
            self._in_background(self._sync_sessions())
        write_heartbeat(self.settings.heartbeat_path, self.latency, self.clock())
