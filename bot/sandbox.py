"""``python -m bot sandbox``: the real bot, its cogs and a database, against the local double.

The sandbox runs the bot on a :class:`~bot.scheduling.clock.FakeClock` (starting now, or at
``--start``) so that ``wait 2d`` can move time on: the sandbox steps the clock to each pending
timer in turn and lets the dispatcher settle, so announcements, reminders, threads and poll
closings fire on time, in seconds. Only the sandbox does this; ``python -m bot run`` always
runs on the real clock.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr

from bot.client import StudyCircle
from bot.runtime import open_bot
from bot.scheduling.clock import FakeClock
from bot.settings import Settings
from discord_double.interactions import InteractionReply
from discord_double.sandbox import TimeControl, local_zone, run_sandbox
from discord_double.testing import running_bot
from discord_double.validation import SpecNotFoundError

APOLOGY_MARKER = "something went wrong on my side"


class SandboxOptionError(ValueError):
    """A ``--start`` or ``--zone`` the sandbox cannot use."""


def script_lines(path: Path) -> list[str]:
    """The lines of a ``--script`` file, without blank lines and ``# `` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("# ")]


def is_error_reply(reply: InteractionReply) -> bool:
    """The central error handler's apology means a command crashed."""
    return APOLOGY_MARKER in (reply.content or "")


def sandbox_zone(name: str | None) -> tzinfo:
    """``--zone`` (an IANA name), else this computer's zone."""
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SandboxOptionError(
            f"--zone {name}: not a time zone name (e.g. Europe/London)"
        ) from None


def sandbox_start(text: str | None, zone: tzinfo) -> datetime:
    """``--start 2026-03-02T09:00`` (in ``zone`` unless it says otherwise), else now."""
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SandboxOptionError(
            f"--start {text}: not a date and time (e.g. 2026-03-02T09:00)"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


class _SandboxBot:
    """Starts the bot on the sandbox's clock and database, and lends the sandbox its timers."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings, self.clock = settings, clock
        self.current: StudyCircle | None = None

    async def start(
        self, api_base: str, gateway_url: str
    ) -> AbstractAsyncContextManager[StudyCircle]:
        settings = self.settings.model_copy(
            update={"discord_api_base": api_base, "discord_gateway_url": gateway_url}
        )

        @asynccontextmanager
        async def lifecycle() -> AsyncIterator[StudyCircle]:
            async with (
                open_bot(settings, clock=self.clock, sleep_until=self.clock.sleep_until) as bot,
                running_bot(bot, api_base, gateway_url),
            ):
                self.current = bot
                try:
                    yield bot  # the sandbox waits for it to be ready
                finally:
                    self.current = None

        return lifecycle()

    async def settle(self) -> None:
        bot = self.current
        if bot is not None and bot.dispatcher.running:
            await bot.dispatcher.settle()

    async def next_due(self) -> datetime | None:
        """The earliest pending timer after now, in any of the bot's servers."""
        bot = self.current
        if bot is None:
            return None
        now = self.clock()
        due: list[datetime] = []
        for guild in bot.guilds:
            for timer in await bot.timers.pending(guild.id):
                moment = timer.due_at if timer.due_at.tzinfo else timer.due_at.replace(tzinfo=UTC)
                if moment > now:
                    due.append(moment)
        return min(due, default=None)


async def main(
    settings: Settings,
    commands: list[str] | None,
    database_url: str | None,
    *,
    start: str | None = None,
    zone: str | None = None,
    files_dir: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run the sandbox; 0 if every line succeeded, 1 if one failed, 2 if it could not start."""
    try:
        reader_zone = sandbox_zone(zone)
        clock = FakeClock(sandbox_start(start, reader_zone))
    except SandboxOptionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="study-circle-sandbox-") as scratch:
        url = database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'sandbox.sqlite3'}"
        sandbox_settings = settings.model_copy(
            update={
                "discord_token": SecretStr("sandbox-token"),
                "database_url": url,
                "discord_dev_guild_id": None,
                "health_file": Path(scratch) / "heartbeat.json",
            }
        )
        bot = _SandboxBot(sandbox_settings, clock)
        try:
            return await run_sandbox(
                bot.start,
                commands,
                out=out,
                is_error_reply=is_error_reply,
                time=TimeControl(clock, bot.settle, bot.next_due),
                zone=reader_zone,
                files_dir=files_dir,
            )
        except SpecNotFoundError as error:  # a broken install or a wrong DISCORD_API_SPEC
            print(f"error: {error}", file=sys.stderr)
            return 2
