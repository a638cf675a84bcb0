"""The foundation through the real discord.py stack: login, sync, /ping, /help, /config."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from bot.client import StudyCircle
from discord_double import DiscordDouble
from tests.e2e.fixtures import Server


async def test_login_and_command_sync_validate(double: DiscordDouble, bot: StudyCircle) -> None:
    assert bot.is_ready()
    assert bot.failed_extensions == {}
    names = {command["name"] for command in double.global_commands}
    assert {"ping", "about", "help", "config"} <= names
    sync = [r for r in double.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert sync, "the bot never synced its commands"
    # Each synced command is a valid ApplicationCommandUpdateRequest (checked by the double) and
    # each slash command's description fits Discord's 100 characters; a context-menu command
    # ("Find the source") has none, as Discord requires.
    for command in double.global_commands:
        if command.get("type", 1) == 1:
            assert 1 <= len(command["description"]) <= 100
        else:
            assert command["description"] == ""
    assert {(c["name"], c.get("type")) for c in double.global_commands} >= {("Find the source", 3)}
    Draft202012Validator.check_schema({"type": "object"})  # the validator library is importable


async def test_ping_answers_ephemerally(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "ping")
    assert reply.ephemeral
    assert reply.content.startswith("Pong!")


async def test_help_lists_commands_and_explains_one(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    overview = await double.slash(server.guild, server.member, "help")
    assert "/config timezone <zone>" in overview.text
    detail = await double.slash(server.guild, server.member, "help", command="config timezone")
    assert "Example: `/config timezone zone:Europe/London`" in detail.text
    assert "Organisers only" in detail.text
    unknown = await double.slash(server.guild, server.member, "help", command="teleport")
    assert unknown.ephemeral
    assert "no command `/teleport`" in unknown.content


async def test_help_autocomplete_is_bounded(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    choices = await double.autocomplete(server.guild, server.member, "help", "command", "")
    assert 0 < len(choices) <= 25
    assert all(len(choice["name"]) <= 100 for choice in choices)


async def test_about_names_version_and_database(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "about")
    assert bot.version in reply.text
    assert bot.engine.dialect.name in reply.text


async def test_config_is_refused_to_a_plain_member(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for path, options in [
        ("config show", {}),
        ("config timezone", {"zone": "Europe/London"}),
        ("config channel", {"purpose": "sessions", "channel": server.guild.general}),
    ]:
        reply = await double.slash(server.guild, server.member, path, **options)
        assert reply.ephemeral, path
        assert "Only organisers" in reply.content, path
    assert (await bot.guild_config.get(server.guild.id)).timezone == "UTC"


async def test_organiser_role_grants_config(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    role = double.add_role(server.guild, "Organisers")
    await double.slash(server.guild, server.organiser, "config organiser-role", role=role)
    double.give_role(server.guild, server.member, role)
    reply = await double.slash(server.guild, server.member, "config timezone", zone="Asia/Tokyo")
    assert "Asia/Tokyo" in reply.content
    shown = await double.slash(server.guild, server.member, "config show")
    assert "Asia/Tokyo" in shown.text


async def test_unknown_timezone_is_an_ephemeral_error(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(
        server.guild, server.organiser, "config timezone", zone="Mars/Olympus"
    )
    assert reply.ephemeral
    assert "not a time zone" in reply.content
    assert (await bot.guild_config.get(server.guild.id)).timezone == "UTC"


async def test_timezone_autocomplete(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    choices = await double.autocomplete(
        server.guild, server.organiser, "config timezone", "zone", "lond"
    )
    assert choices[0]["value"] == "Europe/London"
    assert len(choices) <= 25


async def test_second_server_cannot_see_first_servers_settings(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    await double.slash(server.guild, server.organiser, "config timezone", zone="Europe/Berlin")
    await double.slash(
        server.guild,
        server.organiser,
        "config channel",
        purpose="sessions",
        channel=server.guild.general,
    )
    shown = await double.slash(other_server.guild, other_server.organiser, "config show")
    assert "Europe/Berlin" not in shown.text
    assert str(server.guild.general.id) not in shown.text
    assert (await bot.guild_config.get(other_server.guild.id)).timezone == "UTC"


@pytest.mark.parametrize("broken", ["cogs.does_not_exist"])
async def test_a_broken_cog_is_logged_and_the_rest_load(
    double: DiscordDouble, settings, server: Server, broken: str
) -> None:
    from bot.runtime import open_bot
    from discord_double.testing import connected_bot

    async with (
        open_bot(settings, extensions=[broken, "cogs.general"]) as bot,
        connected_bot(double, bot),
    ):
        assert broken in bot.failed_extensions
        reply = await double.slash(server.guild, server.member, "ping")
        assert reply.content.startswith("Pong!")
