"""The sandbox's ``help``: its own commands, how to read its output, and the bot's commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..commands import OptionType

__all__ = ["SANDBOX_HELP", "describe_commands", "help_text"]

SANDBOX_HELP = """\
Sandbox commands:
  /command option:value …     run one of the bot's slash commands as organiser; a value runs
                              up to the next option name, so spaces and colons need no quotes
                              (quote a value that must contain " name:" itself)
  as carol /command …         run it as another member (as:carol works too); see members
  click <label> [on <n>]      press a button on message n, e.g. click Going on 4
                              (without "on <n>": the last reply)
  select <option> [on <n>]    pick in a select menu; several: select "Thu 19:00" "Fri" on 5
  submit field:value …        fill in and send the form the bot just showed
  wait 2d | 30m | 1h30m       move the bot's clock on; what it does meanwhile is shown
  wait until thursday 18:00   move the clock to a moment (also: wait until 2026-03-05 18:00)
  now                         the sandbox's date and time
  restart                     stop the bot and start it again (same database, same clock)
  members                     the demo members and their roles
  help, quit
Reading the output: [n] numbers every message; "#sessions ▸ Study Circle:" is a post the bot
made by itself (also "DM to carol ▸", "🧵 <thread> ▸"); ✎ an edit of message n; 📅 a
scheduled event; 🧵 a thread; 📎 a file the bot sent, saved to disk."""


def help_text(commands: Sequence[Mapping[str, Any]], zone_name: str) -> str:
    lines = [SANDBOX_HELP, f"Times are shown in {zone_name}.", "", "The bot's commands:"]
    lines.extend(describe_commands(commands))
    return "\n".join(lines)


def describe_commands(commands: Sequence[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for command in commands:
        if command.get("type", 1) == 1:
            lines.extend(_describe(command))
    return lines


def _describe(command: Mapping[str, Any], prefix: str = "/") -> list[str]:
    options = command.get("options", [])
    subs = [
        o for o in options if o["type"] in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
    ]
    if subs:
        lines: list[str] = []
        for sub in subs:
            lines.extend(_describe(sub, f"{prefix}{command['name']} "))
        return lines
    args = " ".join(f"{o['name']}:…" if o.get("required") else f"[{o['name']}:…]" for o in options)
    return [f"  {prefix}{command['name']} {args}".rstrip() + f" — {command.get('description', '')}"]
