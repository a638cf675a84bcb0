"""A text sandbox: the real bot against the double, driven by typed slash commands.

``run_sandbox(start_bot, commands)`` starts a :class:`DiscordDouble`, builds a demo server
("Study Circle Demo" with #general, #sessions and #readings, an ``organiser`` with Manage Server
and a plain ``member``), starts the bot, waits until it is ready and runs each command line,
printing the rendered reply. ``commands=None`` reads lines from stdin instead.

Callback contract
-----------------
``start_bot(api_base, gateway_url)`` is awaited once. It must build the bot and make it use the
double: ``discord.http.Route.BASE = api_base`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)`` (or equivalent
settings). It returns one of:

* an async context manager: the sandbox enters it right away and exits it at the end (start the
  bot in ``__aenter__`` or before returning; stop it and release resources in ``__aexit__``);
* an object with an ``async close()`` method (e.g. a ``discord.Client`` already started as a
  background task): awaited at the end;
* anything else (``None``): nothing is done at the end.

The sandbox then waits for the double's readiness (bot identified, guilds delivered, commands
synced) and, when the result is a ``discord.Client``, for its ``wait_until_ready()``.
``discord_double.testing.bot_starter(make_bot)`` builds such a callback from a bot factory.

Command lines
-------------
``/kronstadt point:3``, ``/config timezone zone:Europe/London``, ``/add what:"read chapter 2"``
(unquoted words after a value are appended to it). Prefix ``as:member`` to run as another demo
member. User, role and channel options take names (``channel:#readings``, ``who:@member``).
Interactive extras: ``help``, ``click <label>`` and ``select <value label>`` on the last reply,
``submit field:value ...`` for the last modal, ``quit``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import discord

from .commands import CommandError, OptionType, find_command
from .components import iter_components
from .double import DiscordDouble
from .interactions import InteractionReply
from .state import FakeGuild, FakeRole, FakeUser

__all__ = ["DemoServer", "build_demo_server", "parse_command_line", "run_sandbox"]

StartBot = Callable[[str, str], Awaitable[Any]]
MANAGE_GUILD = 1 << 5
_TOKEN = re.compile(
    r"""(?P<key>[\w-]+):(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S*))|(?P<word>\S+)"""
)


def _words(text: str) -> str:
    """A label reduced to its lower-case words (no emoji, arrows or punctuation)."""
    return " ".join(re.findall(r"\w+", text.lower()))


def parse_command_line(
    line: str, commands: Sequence[Mapping[str, Any]] | None = None
) -> tuple[list[str], dict[str, str]]:
    """``"/config timezone zone:Europe/London"`` -> ``(["config", "timezone"], {"zone": ...})``.

    With ``commands`` (the synced command payloads), the path stops at the last real
    subcommand, so a bare word after it is appended to the previous option value instead.
    """
    text = line.strip().removeprefix("/")
    path: list[str] = []
    options: dict[str, str] = {}
    last_key: str | None = None
    subcommands = _subcommand_names(commands, path) if commands is not None else None
    for match in _TOKEN.finditer(text):
        word = match.group("word")
        if word is not None:
            if not options and (subcommands is None or not path or word in subcommands):
                path.append(word)
                if commands is not None:
                    subcommands = _subcommand_names(commands, path)
                continue
            if last_key is None:
                raise CommandError(f"unexpected word {word!r}; options look like name:value")
            options[last_key] = f"{options[last_key]} {word}".strip()
            continue
        key = match.group("key")
        value = next(v for v in match.group("dq", "sq", "bare") if v is not None)
        options[key] = value
        last_key = key
    if not path:
        raise CommandError("no command: type something like /ping")
    return path, options


def _subcommand_names(commands: Sequence[Mapping[str, Any]] | None, path: list[str]) -> set[str]:
    if not path:
        return set()
    options: Sequence[Mapping[str, Any]] = []
    root = next((c for c in commands or [] if c["name"] == path[0]), None)
    if root is None:
        return set()
    options = root.get("options", [])
    for word in path[1:]:
        sub = next((o for o in options if o["name"] == word), None)
        if sub is None:
            return set()
        options = sub.get("options", [])
    return {
        o["name"]
        for o in options
        if o["type"] in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
    }


@dataclass
class DemoServer:
    guild: FakeGuild
    organiser: FakeUser
    member: FakeUser

    def user(self, name: str) -> FakeUser:
        return self.guild.member(name)


def build_demo_server(double: DiscordDouble) -> DemoServer:
    guild = double.add_guild("Study Circle Demo")
    double.add_channel(guild, "sessions")
    double.add_channel(guild, "readings")
    organiser = double.add_member(guild, "organiser", permissions=MANAGE_GUILD)
    member = double.add_member(guild, "member")
    return DemoServer(guild, organiser, member)


class _ErrorLogWatch(logging.Handler):
    """Counts ERROR log records: an exception inside a command means the command failed."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(__package__ or "discord_double"):
            self.records.append(record)  # the double's own complaints are reported separately


class _Session:
    def __init__(
        self,
        double: DiscordDouble,
        demo: DemoServer,
        out: TextIO,
        is_error_reply: Callable[[InteractionReply], bool] | None,
    ) -> None:
        self.double, self.demo, self.out = double, demo, out
        self.is_error_reply = is_error_reply
        self.last_reply: InteractionReply | None = None
        self.last_user = demo.organiser
        self.errors = _ErrorLogWatch()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def run_line(self, line: str) -> bool:
        """Run one line; ``False`` if it failed."""
        line = line.strip()
        user = self.demo.organiser
        if line.startswith("as:"):
            name, _, line = line[3:].partition(" ")
            try:
                user = self.demo.user(name)
            except KeyError:
                self.say(f"error: no member named {name!r} (try organiser or member)")
                return False
            line = line.strip()
        self.last_user = user
        errors_before = len(self.double.failures)
        logged_before = len(self.errors.records)
        try:
            reply = await self._dispatch(line, user)
        except (CommandError, KeyError) as error:
            self.say(f"error: {error}")
            return False
        except AssertionError as error:
            self.say(f"failed: {error}")
            return False
        if reply is None:
            return True
        self.last_reply = reply
        self.say(reply.text)
        failures = self.double.failures[errors_before:]
        for failure in failures:
            self.say(f"invalid request: {failure}")
        for record in self.errors.records[logged_before:]:
            self.say(f"bot error: {record.getMessage()}")
        error_reply = self.is_error_reply is not None and self.is_error_reply(reply)
        return not failures and len(self.errors.records) == logged_before and not error_reply

    async def _dispatch(self, line: str, user: FakeUser) -> InteractionReply | None:
        guild = self.demo.guild
        verb, _, rest = line.partition(" ")
        if verb == "help":
            self.say(self.help_text())
            return None
        if verb == "click":
            return await self.double.click(guild, user, self._last(), self._button(rest.strip()))
        if verb == "select":
            custom_id, value = self._select_option(rest.strip())
            return await self.double.select(guild, user, self._last(), custom_id, [value])
        if verb == "submit":
            _, values = parse_command_line("submit " + rest)
            return await self.double.submit_modal(guild, user, self._last(), values)
        commands = self.double.commands_for(guild)
        path, raw = parse_command_line(line, commands)
        _, _, leaf = find_command(commands, path)
        values = self._resolve(leaf, raw)
        return await self.double.slash(guild, user, " ".join(path), values)

    def _last(self) -> InteractionReply:
        if self.last_reply is None:
            raise CommandError("no previous reply to act on")
        return self.last_reply

    def _button(self, label: str) -> str:
        message = self._last().message or {}
        buttons = [c for c in iter_components(message.get("components", [])) if c.get("type") == 2]
        wanted = _words(label)
        for exact in (True, False):
            # An exact label (or custom id) first; then the start of one, so that "next"
            # finds "Next ▶" without typing the arrow.
            found = [
                c
                for c in buttons
                if label.lower() == str(c.get("custom_id", "")).lower()
                or (
                    _words(str(c.get("label", ""))) == wanted
                    if exact
                    else _words(str(c.get("label", ""))).startswith(wanted)
                )
            ]
            if len(found) == 1 or (found and exact):
                return str(found[0]["custom_id"])
        raise CommandError(f"no button labelled {label!r} on the last reply")

    def _select_option(self, label: str) -> tuple[str, str]:
        message = self._last().message or {}
        for component in iter_components(message.get("components", [])):
            for option in component.get("options") or []:
                if label.lower() in (option["label"].lower(), str(option["value"]).lower()):
                    return str(component["custom_id"]), str(option["value"])
        raise CommandError(f"no select option {label!r} on the last reply")

    def _resolve(self, leaf: Sequence[Mapping[str, Any]], raw: Mapping[str, str]) -> dict[str, Any]:
        """Names of members, roles and channels become the double's objects."""
        kinds = {option["name"]: option["type"] for option in leaf}
        guild = self.demo.guild
        values: dict[str, Any] = {}
        for name, text in raw.items():
            kind = kinds.get(name)
            bare = text.lstrip("#@&")
            if kind == OptionType.USER:
                values[name] = guild.member(bare)
            elif kind == OptionType.CHANNEL:
                values[name] = guild.channel(bare)
            elif kind == OptionType.ROLE:
                values[name] = _role(guild, text)
            elif kind == OptionType.MENTIONABLE:
                try:
                    values[name] = guild.member(bare)
                except KeyError:
                    values[name] = _role(guild, text)
            else:
                values[name] = text
        return values

    def help_text(self) -> str:
        lines = ["Commands (run as organiser; prefix as:member to switch):"]
        for command in self.double.commands_for(self.demo.guild):
            lines.extend(_describe_command(command))
        lines.append("Also: click <label>, select <option>, submit field:value, quit")
        return "\n".join(lines)


def _role(guild: FakeGuild, text: str) -> FakeRole:
    try:
        return guild.role(text)  # "@everyone" is the role's real name
    except KeyError:
        return guild.role(text.lstrip("@&"))


def _describe_command(command: Mapping[str, Any], prefix: str = "/") -> list[str]:
    options = command.get("options", [])
    subs = [
        o for o in options if o["type"] in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
    ]
    if subs:
        lines: list[str] = []
        for sub in subs:
            lines.extend(_describe_command(sub, f"{prefix}{command['name']} "))
        return lines
    args = " ".join(f"{o['name']}:…" if o.get("required") else f"[{o['name']}:…]" for o in options)
    return [f"  {prefix}{command['name']} {args}".rstrip() + f" — {command.get('description', '')}"]


async def _enter_bot(stack: contextlib.AsyncExitStack, started: Any) -> None:
    if hasattr(started, "__aenter__") and hasattr(started, "__aexit__"):
        await stack.enter_async_context(started)
    elif callable(getattr(started, "close", None)):
        stack.push_async_callback(started.close)


async def run_sandbox(
    start_bot: StartBot,
    commands: list[str] | None,
    *,
    out: TextIO = sys.stdout,
    validate: bool | None = True,
    ready_timeout: float = 30.0,
    reply_timeout: float = 10.0,
    is_error_reply: Callable[[InteractionReply], bool] | None = None,
) -> int:
    """Run ``commands`` (or an interactive prompt when ``None``); 0 if all succeeded, else 1."""
    watch_logger = logging.getLogger()
    async with contextlib.AsyncExitStack() as stack:
        double = DiscordDouble(validate=validate, timeout=reply_timeout)
        await double.start()
        stack.push_async_callback(double.close)
        demo = build_demo_server(double)
        session = _Session(double, demo, out, is_error_reply)
        watch_logger.addHandler(session.errors)
        stack.callback(watch_logger.removeHandler, session.errors)

        started = await start_bot(double.api_base, double.gateway_url)
        await _enter_bot(stack, started)
        try:
            await double.wait_until_ready(ready_timeout)
            if isinstance(started, discord.Client):
                await asyncio.wait_for(started.wait_until_ready(), ready_timeout)
        except (AssertionError, TimeoutError) as error:
            session.say(f"the bot did not get ready: {error}")
            return 1
        session.say(f"Sandbox ready: {demo.guild.name} (#general, #sessions, #readings).")

        if commands is not None:
            ok = True
            for line in commands:
                session.say(f"\n> {line}")
                ok = await session.run_line(line) and ok
            return 0 if ok else 1
        return await _interactive(session)


async def _interactive(session: _Session) -> int:
    session.say("Type a slash command (e.g. /ping), help, or quit.")
    ok = True
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
    return 0 if ok else 1
