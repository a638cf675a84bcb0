"""One sandbox session: reads a line, does it as a member (or moves time), prints what follows.

Each line is a slash command, a click or select on a numbered message, a form submission, or
one of the sandbox's own commands (``wait``, ``now``, ``restart``, ``members``, ``help``).
A person's mistake gets one ``error:`` line and the session goes on; :meth:`Session.run_line`
returns whether the line succeeded (``--run`` turns a failure into exit status 1).
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol, TextIO

from ..commands import CommandError, OptionType, find_command
from ..double import DiscordDouble
from ..interactions import InteractionReply
from ..render import render_modal
from ..state import FakeUser
from .demo import DemoServer
from .feed import Feed, format_moment
from .help import help_text
from .parsing import parse_command_line, parse_wait, split_options
from .targets import find_button, find_options, parse_target

__all__ = ["SANDBOX_VERBS", "ErrorLogWatch", "SandboxClock", "Session", "TimeControl"]

SANDBOX_VERBS = frozenset(
    {"help", "members", "now", "wait", "restart", "click", "select", "submit", "quit", "exit"}
)
# The longest single move of the clock while waiting (timers are also stepped to one by one).
MAX_STEP = timedelta(days=1)
MAX_WAIT = timedelta(days=400)
_YES_NO = {"true", "false", "yes", "no", "1", "0", "on", "off"}


class SandboxClock(Protocol):
    """A clock the sandbox can set (``bot.scheduling.clock.FakeClock`` is one)."""

    def __call__(self) -> datetime: ...

    def set(self, when: datetime) -> datetime: ...


@dataclass(frozen=True)
class TimeControl:
    """The bot side's hold on time: the bot's fake clock, a way to let everything that is due
    run (``settle``) and when the bot next has something to do (``next_due``, or ``None``)."""

    clock: SandboxClock
    settle: Callable[[], Awaitable[None]]
    next_due: Callable[[], Awaitable[datetime | None]]


class ErrorLogWatch(logging.Handler):
    """Collects ERROR records: an exception inside the bot means the line failed."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("discord_double"):
            self.records.append(record)  # the double's own complaints are reported separately


class Session:
    """The state of one sandbox run between lines: who did what, and the numbered messages."""

    def __init__(
        self,
        double: DiscordDouble,
        demo: DemoServer,
        feed: Feed,
        out: TextIO,
        *,
        zone: tzinfo,
        restart: Callable[[], Awaitable[None]],
        time: TimeControl | None = None,
        is_error_reply: Callable[[InteractionReply], bool] | None = None,
    ) -> None:
        self.double, self.demo, self.feed, self.out = double, demo, feed, out
        self.zone, self.time, self.is_error_reply = zone, time, is_error_reply
        self._restart = restart
        self.errors = ErrorLogWatch()
        self.last_reply: InteractionReply | None = None
        self.busy = False

    @property
    def zone_name(self) -> str:
        return str(getattr(self.zone, "key", None) or self.zone.tzname(self.now()))

    def now(self) -> datetime:
        return self.time.clock() if self.time is not None else datetime.now(UTC)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    # --- one line --------------------------------------------------------------------------

    async def run_line(self, line: str) -> bool:
        """Run one line; ``False`` if it failed (the reason is printed in one line)."""
        self.busy = True
        failures_before = len(self.double.failures)
        logged_before = len(self.errors.records)
        try:
            self.feed.flush()  # anything that happened since the last line comes first
            ok = await self._run(line.strip(), self.demo.organiser)
        except CommandError as error:
            self.say(f"error: {error}")
            ok = False
        except AssertionError as error:
            self.say(f"failed: {error}")
            ok = False
            with contextlib.suppress(AssertionError):
                await self.double.wait_until_quiet()  # so the bot's own error report lands here
        except Exception as error:  # a bug here must not end the session with a traceback
            self.say(f"error: the sandbox failed on that line: {error!r}")
            ok = False
        finally:
            self.busy = False
        for failure in self.double.failures[failures_before:]:
            self.say(f"invalid request: {failure}")
        for record in self.errors.records[logged_before:]:
            self.say(f"bot error: {record.getMessage()}")
        return (
            ok
            and len(self.double.failures) == failures_before
            and len(self.errors.records) == logged_before
        )

    async def _run(self, line: str, user: FakeUser) -> bool:
        verb, _, rest = line.partition(" ")
        if verb == "as" or verb.startswith("as:"):
            who_and_what = rest if verb == "as" else f"{verb[3:]} {rest}"
            name, _, rest = who_and_what.strip().partition(" ")
            if not rest.strip():
                raise CommandError("as whom, doing what? e.g. as carol /reading list")
            return await self._run(rest.strip(), self.demo.user(name))
        bare = verb.removeprefix("/")
        commands = self.double.commands_for(self.demo.guild)
        is_bot_command = verb.startswith("/") and any(c["name"] == bare for c in commands)
        if bare in SANDBOX_VERBS and not is_bot_command:
            return await self._sandbox_verb(bare, rest.strip(), user)
        return await self._slash(line, user)

    async def _sandbox_verb(self, verb: str, rest: str, user: FakeUser) -> bool:
        if verb == "help":
            self.say(help_text(self.double.commands_for(self.demo.guild), self.zone_name))
        elif verb == "members":
            self.say("Members of Study Circle Demo (run as one with: as carol /…):")
            self.say("\n".join(self.demo.describe_members()))
        elif verb == "now":
            clock = "sandbox clock" if self.time is not None else "the real clock"
            self.say(f"🕒 {format_moment(self.now(), self.zone)} {self.zone_name} ({clock})")
        elif verb == "wait":
            await self.wait(rest)
        elif verb == "restart":
            await self.restart()
        elif verb in ("quit", "exit"):
            self.say("(quit only ends an interactive session)")
        elif verb == "submit":
            return await self._submit(rest, user)
        else:
            return await self._component(verb, rest, user)
        return True

    # --- the bot's commands and components --------------------------------------------------

    async def _slash(self, line: str, user: FakeUser) -> bool:
        commands = self.double.commands_for(self.demo.guild)
        try:
            path, raw = parse_command_line(line, commands)
        except CommandError as error:
            if str(error).startswith("unknown command"):
                raise CommandError(_unknown_command(line, commands)) from None
            raise
        _, _, leaf = find_command(commands, path)
        values = self._resolve(leaf, raw)
        reply = await self.double.slash(self.demo.guild, user, " ".join(path), values)
        return await self._finish(reply)

    async def _component(self, verb: str, rest: str, user: FakeUser) -> bool:
        target = parse_target(rest, verb)
        if target.number is not None:
            message = self.feed.message(target.number)
            where = f"message {target.number}"
        else:
            message = self._last_message()
            where = "the last reply (name another with: on <number>)"
        guild = self.double.world.guild_of_channel(int(message["channel_id"]))
        if verb == "click":
            custom_id = find_button(message, target.what, where)
            reply = await self.double.click(guild, user, int(message["id"]), custom_id)
        else:
            custom_id, values = find_options(message, target.what, where)
            reply = await self.double.select(guild, user, int(message["id"]), custom_id, values)
        return await self._finish(reply)

    async def _submit(self, rest: str, user: FakeUser) -> bool:
        reply = self.last_reply
        if reply is None or reply.modal is None:
            raise CommandError("there is no form to submit (a command that opens one comes first)")
        fields = [
            {"name": str(c.get("custom_id")), "type": OptionType.STRING}
            for c in _modal_inputs(reply.modal)
        ]
        values = split_options(rest, fields, "the form", noun="field") if rest else {}
        answer = await self.double.submit_modal(self.demo.guild, user, reply, values)
        return await self._finish(answer)

    def _last_message(self) -> dict[str, Any]:
        reply = self.last_reply
        if reply is None:
            raise CommandError("there is no reply yet to click on; say which: click Going on 4")
        for message in [reply.message, *reply.followups]:
            if message is not None and message.get("components"):
                return message
        raise CommandError("the last reply has nothing to click; say which message: on <number>")

    def _resolve(self, leaf: Any, raw: dict[str, str]) -> dict[str, Any]:
        """Names of members, roles and channels become the double's objects."""
        kinds = {option["name"]: option["type"] for option in leaf}
        values: dict[str, Any] = {}
        for name, text in raw.items():
            kind = kinds.get(name)
            if kind == OptionType.USER:
                values[name] = self.demo.user(text)
            elif kind == OptionType.CHANNEL:
                values[name] = self.demo.channel(text)
            elif kind == OptionType.ROLE:
                values[name] = self.demo.role(text)
            elif kind == OptionType.MENTIONABLE:
                try:
                    values[name] = self.demo.user(text)
                except CommandError:
                    values[name] = self.demo.role(text)
            else:
                values[name] = _checked(name, kind, text)
        return values

    async def _finish(self, reply: InteractionReply) -> bool:
        """Let the bot finish, print its reply, then whatever else it did meanwhile."""
        await self.settle()
        self.last_reply = reply
        self.show_reply(reply)
        self.feed.flush()
        return not (self.is_error_reply is not None and self.is_error_reply(reply))

    def show_reply(self, reply: InteractionReply) -> None:
        pending = reply.pending
        if reply.type == "modal" and reply.modal is not None:
            fields = " ".join(f"{c['custom_id']}:…" for c in _modal_inputs(reply.modal))
            self.say(render_modal(reply.modal))
            self.say(f"(send it with: submit {fields})")
            return
        if reply.type == "autocomplete":
            self.say("\n".join(f"- {c['name']}" for c in reply.choices) or "(no choices)")
            return
        world = self.double.world
        shown = False
        original = world.messages.get(pending.original_message_id or 0)
        if original is not None and pending.callback_type in (4, 5):
            self.feed.show(original)
            shown = True
        source = world.messages.get(pending.source_message_id or 0)
        if source is not None and pending.callback_type == 7:
            self.feed.show(source, label="✎ updated")
            shown = True
        for message_id in pending.followup_ids:
            followup = world.messages.get(message_id)
            if followup is not None and followup is not original:
                self.feed.show(followup, label="follow-up" if shown else "reply")
                shown = True
        if not shown:
            self.say("(no reply)")

    # --- time ----------------------------------------------------------------------------

    async def settle(self) -> None:
        """Wait until the bot has run everything due and the double has heard all of it."""
        if self.time is not None:
            await self.time.settle()
        await self.double.wait_until_quiet()

    async def wait(self, text: str) -> None:
        """Move the clock on to the moment ``text`` names, stopping at each timer on the way
        (so each fires on time, not late) and printing what the bot does at each stop."""
        if self.time is None:
            raise CommandError("this bot runs on the real clock, so wait cannot move it")
        clock = self.time.clock
        start = clock()
        target = parse_wait(text, start, self.zone)
        if target < start:
            raise CommandError("that is in the past; the sandbox clock only goes forward")
        if target - start > MAX_WAIT:
            raise CommandError(f"wait at most {MAX_WAIT.days} days at a time")
        self.say(
            f"⏩ {format_moment(start, self.zone)} → {format_moment(target, self.zone)} "
            f"{self.zone_name}"
        )
        happened = False
        while True:
            now = clock()
            due = await self.time.next_due()
            step = target if due is None or due <= now else min(due, target)
            step = min(step, now + MAX_STEP)
            if step > now:
                clock.set(step)
            await self.settle()
            if self.feed.has_news:
                self.say(f"🕒 {format_moment(clock(), self.zone)}")
                self.feed.flush()
                happened = True
            if step >= target:
                break
        if not happened:
            self.say("(nothing happened)")

    async def restart(self) -> None:
        self.say("🔄 stopping the bot…")
        await self._restart()
        await self.settle()
        self.say("🔄 the bot is back; earlier messages and their buttons are still here")
        self.feed.flush()


def _checked(name: str, kind: int | None, text: str) -> str:
    """Numbers and yes/no values that Discord's client would refuse to send, refused here."""
    problem = None
    if kind == OptionType.INTEGER and not re.fullmatch(r"[+-]?\d+", text.strip()):
        problem = "is not a whole number"
    elif kind == OptionType.NUMBER and not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text.strip()):
        problem = "is not a number"
    elif kind == OptionType.BOOLEAN and text.strip().lower() not in _YES_NO:
        problem = "is not true or false"
    if problem:
        raise CommandError(f"{name}: {text!r} {problem}")
    return text


def _unknown_command(line: str, commands: list[dict[str, Any]]) -> str:
    word = line.split()[0] if line.split() else line
    names = [f"/{c['name']}" for c in commands] + sorted(SANDBOX_VERBS)
    near = difflib.get_close_matches(word, names, n=1, cutoff=0.7)
    if not near and not word.startswith("/"):
        near = difflib.get_close_matches("/" + word, names, n=1, cutoff=0.7)
    hint = f"did you mean {near[0]}? " if near else ""
    return f"unknown command {word} ({hint}type help for the list)"


def _modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    inputs: list[dict[str, Any]] = []
    for top in modal.get("components", []):
        inner = [top.get("component")] if top.get("type") == 18 else top.get("components", [])
        inputs.extend(c for c in inner if c and c.get("custom_id"))
    return inputs
