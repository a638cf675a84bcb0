"""/help is generated from the command tree: every command documents itself with an example."""

from bot.client import StudyCircle
from bot.ui.help import walk_commands
from discord_double import DiscordDouble
from tests.e2e.fixtures import Server


async def test_every_command_has_a_description_and_a_runnable_example(bot: StudyCircle) -> None:
    commands = walk_commands(bot.tree.get_commands())
    assert len(commands) >= 40
    for command in commands:
        example = command.extras.get("example")
        assert example, f"/{command.qualified_name} has no example"
        assert example.startswith(f"/{command.qualified_name}"), example
        assert command.description not in {"", "…"}, command.qualified_name


async def test_help_for_each_command_fits_and_shows_its_example(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for command in walk_commands(bot.tree.get_commands()):
        reply = await double.slash(
            server.guild, server.member, "help", command=command.qualified_name
        )
        assert reply.ephemeral
        assert command.extras["example"] in reply.text
