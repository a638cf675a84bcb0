"""Every organiser command is refused to a plain member, server-side.

The list is read from the command tree (commands marked ``extras["organiser"]``), so a new
organiser command is covered the day it is added. Each is invoked with valid-looking options
straight through the gateway, as a client that ignores Discord's UI hints would.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.client import StudyCircle
from bot.ui.help import walk_commands
from discord_double import DiscordDouble
from discord_double.interactions import OptionType
from discord_double.state import FakeGuild
from tests.e2e.fixtures import Server


def organiser_commands(bot: StudyCircle) -> list[app_commands.Command[Any, ..., Any]]:
    return [c for c in walk_commands(bot.tree.get_commands()) if c.extras.get("organiser")]


def sample_options(double: DiscordDouble, guild: FakeGuild, path: str) -> dict[str, Any]:
    """A value for every required option of the synced command at ``path``."""
    words = path.split()
    options = next(c for c in double.global_commands if c["name"] == words[0]).get("options", [])
    for word in words[1:]:
        options = next(o for o in options if o["name"] == word).get("options", [])
    role = double.add_role(guild, "probe-role")
    values: dict[str, Any] = {}
    for option in options:
        if not option.get("required"):
            continue
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
            continue
        values[option["name"]] = {
            OptionType.STRING: "1",
            OptionType.INTEGER: 1,
            OptionType.NUMBER: 1.0,
            OptionType.BOOLEAN: False,
            OptionType.CHANNEL: guild.general,
            OptionType.ROLE: role,
        }[option["type"]]
    return values


async def test_every_organiser_command_is_refused_to_a_member(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    commands = organiser_commands(bot)
    assert len(commands) >= 4  # at least /config's
    for command in commands:
        path = command.qualified_name
        options = sample_options(double, server.guild, path)
        reply = await double.slash(server.guild, server.member, path, **options)
        if reply.type == "modal":
            raise AssertionError(f"/{path} opened its modal for a plain member")
        assert reply.ephemeral, path
        assert "Only organisers" in reply.content, path


async def test_organiser_commands_declare_the_check(bot: StudyCircle) -> None:
    """Marked organiser in help and guarded by a check: the two must never drift apart."""
    for command in walk_commands(bot.tree.get_commands()):
        guarded = bool(command.checks)
        assert guarded == bool(command.extras.get("organiser")), command.qualified_name
