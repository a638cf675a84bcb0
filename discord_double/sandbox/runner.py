"""Starting the double, the demo server and the bot; running lines from ``--run`` or a prompt.

The bot is started through a callback (see the package docstring for its contract) so that it
can be stopped and started again (``restart``) against the same double, its messages and
buttons included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord

from ..double import DiscordDouble
from ..interactions import InteractionReply
from ..render import Markup
from .demo import DEMO_CHANNELS, DemoServer, StableSnowflakes, build_demo_server
from .feed import Feed, format_moment
from .session import Session, TimeControl

__all__ = ["StartBot", "local_zone", "run_sandbox"]

StartBot = Callable[[str, str], Awaitable[Any]]
STOP_TIMEOUT = 10.0


def local_zone() -> tzinfo:
    """This computer's time zone: ``$TZ``, else ``/etc/localtime``'s name, else its offset."""
    for name in (os.environ.get("TZ", "").lstrip(":"), _localtime_name()):
        if name:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                return ZoneInfo(name)
    return datetime.now().astimezone().tzinfo or UTC


def _localtime_name() -> str:
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    return ""


class _BotLife:
    """The running bot: started by the callback, stopped by leaving what it returned."""

    def __init__(self, start_bot: StartBot, double: DiscordDouble, ready_timeout: float) -> None:
        self.start_bot, self.double, self.ready_timeout = start_bot, double, ready_timeout
        self._stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> None:
        identified = len(self.double.hub.identifies)
        stack = contextlib.AsyncExitStack()
        self._stack = stack
        started = await self.start_bot(self.double.api_base, self.double.gateway_url)
        entered: Any = None
        if hasattr(started, "__aenter__") and hasattr(started, "__aexit__"):
            entered = await stack.enter_async_context(started)
        elif callable(getattr(started, "close", None)):
            stack.push_async_callback(started.close)
        await self.double.wait_until(
            lambda: len(self.double.hub.identifies) > identified,
            self.ready_timeout,
            what="the bot to connect",
        )
        await self.double.wait_until_ready(self.ready_timeout)
        for client in (started, entered):
            if isinstance(client, discord.Client):
                await asyncio.wait_for(client.wait_until_ready(), self.ready_timeout)

    async def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()
        if self.double.hub.live_sessions():
            await self.double.wait_until(
                lambda: not self.double.hub.live_sessions(),
                STOP_TIMEOUT,
                what="the bot to disconnect",
            )

    async def restart(self) -> None:
        await self.stop()
        await self.start()


def _markup(double: DiscordDouble, zone: tzinfo, now: Callable[[], datetime]) -> Markup:
    world = double.world

    def channel_name(channel_id: int) -> str | None:
        channel = world.channels.get(channel_id)
        return channel.name if channel is not None else None

    def user_name(user_id: int) -> str | None:
        user = world.users.get(user_id)
        return user.name if user is not None else None

    def role_name(role_id: int) -> str | None:
        for guild in world.guilds.values():
            if role_id in guild.roles:
                return guild.roles[role_id].name.lstrip("@")
        return None

    return Markup(zone, now, channel_name, user_name, role_name)


async def run_sandbox(
    start_bot: StartBot,
    commands: list[str] | None,
    *,
    out: TextIO = sys.stdout,
    validate: bool | None = True,
    ready_timeout: float = 30.0,
    reply_timeout: float = 10.0,
    is_error_reply: Callable[[InteractionReply], bool] | None = None,
    time: TimeControl | None = None,
    zone: tzinfo | None = None,
    files_dir: Path | None = None,
) -> int:
    """Run ``commands`` (or an interactive prompt when ``None``); 0 if all succeeded, else 1."""
    zone = zone or local_zone()
    files_dir = files_dir or Path(tempfile.mkdtemp(prefix="study-circle-sandbox-files-"))
    root_logger = logging.getLogger()
    async with contextlib.AsyncExitStack() as stack:
        double = DiscordDouble(
            validate=validate, timeout=reply_timeout, snowflakes=StableSnowflakes()
        )
        await double.start()
        stack.push_async_callback(double.close)
        demo = build_demo_server(double)
        now = time.clock if time is not None else (lambda: datetime.now(UTC))
        feed = Feed(double, _markup(double, zone, now), lambda text: _say(out, text), files_dir)
        stack.callback(feed.close)
        life = _BotLife(start_bot, double, ready_timeout)
        session = Session(
            double,
            demo,
            feed,
            out,
            zone=zone,
            restart=life.restart,
            time=time,
            is_error_reply=is_error_reply,
        )
        root_logger.addHandler(session.errors)
        stack.callback(root_logger.removeHandler, session.errors)
        stack.push_async_callback(life.stop)
        try:
            await life.start()
            await session.settle()
        except (AssertionError, TimeoutError) as error:
            session.say(f"the bot did not get ready: {error}")
            return 1
        _welcome(session, demo, files_dir)
        feed.flush()
        if commands is not None:
            ok = True
            for line in commands:
                session.say(f"\n> {line}")
                ok = await session.run_line(line) and ok
            return 0 if ok else 1
        return await _interactive(session)


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


def _welcome(session: Session, demo: DemoServer, files_dir: Path) -> None:
    channels = ", ".join(f"#{name}" for name in DEMO_CHANNELS)
    session.say(f"Sandbox ready: {demo.guild.name} ({channels}).")
    session.say(f"Members: {', '.join(demo.names())} (you are organiser; see members).")
    moment = format_moment(session.now(), session.zone)
    clock = "the sandbox clock (wait 2d moves it on)" if session.time else "the real clock"
    session.say(f"Time: {moment}, shown in {session.zone_name}; {clock}.")
    session.say(f"Files the bot sends are saved in {files_dir}")


async def _interactive(session: Session) -> int:
    session.say("Type a slash command (e.g. /ping), help, or quit.")
    printer = asyncio.create_task(_print_while_idle(session))
    ok = True
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            line = line.strip()
            if not line:
                continue
            if line in ("quit", "exit"):
                break
            ok = await session.run_line(line) and ok
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer
    return 0 if ok else 1


async def _print_while_idle(session: Session) -> None:
    """Between lines, show what the bot does on its own (after a short quiet spell)."""
    while True:
        await asyncio.sleep(0.2)
        if session.busy or not session.feed.has_news:
            continue
        with contextlib.suppress(AssertionError):
            await session.double.wait_until_quiet()
        if not session.busy:
            session.feed.flush()
