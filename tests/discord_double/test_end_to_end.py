"""End-to-end: a real discord.py AutoShardedBot against the double."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from discord_double import (
    CommandError,
    DiscordDouble,
    FakeGuild,
    FakeUser,
    SpecNotFoundError,
    find_button,
    render,
)
from discord_double.testing import assert_no_validation_errors, connected_bot
from discord_double.validation import SpecValidator

from .conftest import Setup
from .example_bot import ExampleBot


async def test_login_identifies_one_shard_and_heartbeats(setup: Setup) -> None:
    double = setup.double
    assert [(i.shard_id, i.shard_count) for i in double.hub.identifies] == [(0, 1)]
    paths = [(r.method, r.path) for r in double.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert double.last_heartbeat is not None
    assert setup.bot.user is not None
    assert setup.bot.user.id == double.bot_user.id
    assert setup.bot.get_guild(setup.guild.id) is not None
    assert_no_validation_errors(double)


async def test_synced_commands_are_stored_and_validate(setup: Setup) -> None:
    double = setup.double
    names = {c["name"] for c in double.global_commands}
    assert {"ping", "config", "vote", "feedback", "whois"} <= names
    assert all(c["id"].isdigit() for c in double.global_commands)
    sync = next(
        r
        for r in double.requests
        if r.method == "PUT" and r.route and r.route.endswith("/commands")
    )
    assert double.validator is not None
    assert double.validator.validate("PUT", sync.path, sync.json) == []


async def test_slash_reply(setup: Setup) -> None:
    reply = await setup.double.slash(setup.guild, setup.member, "ping")
    assert reply.type == "message"
    assert reply.content == "pong"
    assert not reply.ephemeral
    assert setup.double.channel_messages(setup.guild.general)[-1]["content"] == "pong"


async def test_ephemeral_embed_reply(setup: Setup) -> None:
    reply = await setup.double.slash(setup.guild, setup.member, "secret")
    assert reply.ephemeral
    assert reply.embeds[0]["title"] == "Secret"
    assert reply.text.startswith("(only you can see this)")
    assert "Level:" in reply.text
    # Ephemeral messages are not part of the channel's history.
    assert setup.double.channel_messages(setup.guild.general) == []


async def test_defer_then_followup_with_file(setup: Setup) -> None:
    reply = await setup.double.slash(setup.guild, setup.member, "slow")
    assert reply.type == "deferred"
    assert reply.content == "done thinking"
    assert [f.name for f in reply.files] == ["notes.txt"]
    assert b"A small discord.py bot" in reply.files[0].data


async def test_group_subcommand_uses_member_permissions(setup: Setup) -> None:
    double = setup.double
    allowed = await double.slash(
        setup.guild, setup.organiser, "config timezone", zone="Europe/London"
    )
    assert allowed.content == "Time zone set to Europe/London in Reading Group"
    refused = await double.slash(setup.guild, setup.member, "config timezone", zone="Europe/London")
    assert refused.ephemeral
    assert refused.content == "You need Manage Server."


async def test_autocomplete(setup: Setup) -> None:
    choices = await setup.double.autocomplete(
        setup.guild, setup.member, "config timezone", "zone", "europe"
    )
    assert [c["value"] for c in choices] == ["Europe/London", "Europe/Paris"]


async def test_resolved_options(setup: Setup) -> None:
    double = setup.double
    role = double.add_role(setup.guild, "Readers")
    channel = double.add_channel(setup.guild, "readings")
    reply = await double.slash(
        setup.guild,
        setup.member,
        "whois",
        member=setup.organiser,
        role=role,
        channel=channel,
        times="3",
    )
    assert reply.content == "olga / Readers / readings / 3"


async def test_unknown_command_and_option_are_clear_errors(setup: Setup) -> None:
    with pytest.raises(CommandError, match="unknown command /nope"):
        await setup.double.slash(setup.guild, setup.member, "nope")
    with pytest.raises(CommandError, match="no option colour"):
        await setup.double.slash(setup.guild, setup.member, "ping", colour="red")
    with pytest.raises(CommandError, match="needs a subcommand"):
        await setup.double.slash(setup.guild, setup.member, "config")


async def test_button_click_updates_message(setup: Setup) -> None:
    double = setup.double
    reply = await double.slash(setup.guild, setup.member, "vote")
    assert "[Yes (success)]" in reply.text
    assert "- Chapter 2" in reply.text
    clicked = await double.click(setup.guild, setup.member, reply, "vote:yes")
    assert clicked.type == "update"
    assert clicked.content == "Votes: 1"
    assert "[Yes (success, disabled)]" in clicked.text
    assert double.message(reply.message_id or 0)["content"] == "Votes: 1"
    with pytest.raises(CommandError, match="disabled"):
        await double.click(setup.guild, setup.member, reply, "vote:yes")


async def test_buttons_are_found_and_pressed_by_their_exact_label(setup: Setup) -> None:
    double = setup.double
    reply = await double.slash(setup.guild, setup.member, "vote")
    yes = reply.button("Yes")
    assert (yes["custom_id"], yes.get("disabled", False)) == ("vote:yes", False)
    clicked = await double.press(setup.guild, setup.member, reply, "Yes")  # click by label
    assert clicked.content == "Votes: 1"
    assert clicked.button("Yes")["disabled"] is True
    message = double.message(reply.message_id or 0)
    assert find_button(message, "Yes")["custom_id"] == "vote:yes"
    for label in ("yes", "Ye", "Chapter 1"):  # not case-folded, not a prefix, not a select option
        with pytest.raises(CommandError, match=r"no button labelled .* its buttons: \['Yes'\]"):
            find_button(message, label)
    with pytest.raises(CommandError, match="no button labelled 'No'"):
        await double.press(setup.guild, setup.member, reply, "No")
    typed = await double.slash(setup.guild, setup.member, "ping")
    with pytest.raises(CommandError, match=r"its buttons: \[\]"):
        typed.button("Yes")


async def test_select_menu(setup: Setup) -> None:
    reply = await setup.double.slash(setup.guild, setup.member, "vote")
    picked = await setup.double.select(setup.guild, setup.member, reply, "vote:pick", ["2"])
    assert picked.ephemeral
    assert picked.content == "You picked chapter 2"


async def test_modal_round_trip(setup: Setup) -> None:
    double = setup.double
    modal = await double.slash(setup.guild, setup.member, "feedback")
    assert modal.type == "modal"
    assert modal.modal is not None
    assert modal.modal["title"] == "Feedback"
    assert "(form) Feedback" in modal.text
    submitted = await double.submit_modal(setup.guild, setup.member, modal, {"comment": "great"})
    assert submitted.content == "Thanks: great"
    with pytest.raises(CommandError, match="no field"):
        await double.submit_modal(setup.guild, setup.member, modal, {"nope": "x"})


async def test_dm_open_and_closed(setup: Setup) -> None:
    double = setup.double
    reply = await double.slash(setup.guild, setup.member, "dm")
    assert reply.content == "Sent you a DM."
    assert [m["content"] for m in double.dm_messages(setup.member)] == ["hello in private"]

    shy = double.add_member(setup.guild, "shy", closed_dms=True)
    refused = await double.slash(setup.guild, shy, "dm")
    assert refused.content == "Your DMs are closed."
    error = setup.bot.seen_errors[-1]
    assert isinstance(error, discord.Forbidden)
    assert error.code == 50007
    assert double.dm_messages(shy) == []


async def test_rate_limit_is_retried_by_discord_py(setup: Setup) -> None:
    double = setup.double
    double.fail_next("POST", "/channels/{channel_id}/messages", 429, retry_after=0.05)
    reply = await double.slash(setup.guild, setup.member, "post", text="hello")
    assert reply.content.startswith("posted ")
    posts = [
        r
        for r in double.requests
        if r.route == "/channels/{channel_id}/messages" and r.method == "POST"
    ]
    assert [r.status for r in posts] == [429, 200]
    assert double.channel_messages(setup.guild.general)[-1]["content"] == "hello"


async def test_injected_403_reaches_the_bot(setup: Setup) -> None:
    double = setup.double
    double.fail_next("POST", "/channels/*/messages", 403)
    with pytest.raises(AssertionError, match="did not answer"):
        await double.slash(setup.guild, setup.member, "post", text="hello", reply_timeout=0.5)
    assert any(r.status == 403 for r in double.requests)


async def test_validation_rejects_overlong_content(setup: Setup) -> None:
    double = setup.double
    with pytest.raises(AssertionError, match="exceeds a bot's limit of 2000"):
        await double.slash(setup.guild, setup.member, "long")
    assert any("/data/content" in error for error in double.validation_errors)
    with pytest.raises(AssertionError, match="bad request"):
        assert_no_validation_errors(double)
    double.validation_errors.clear()


async def test_member_message_reaches_bot(setup: Setup) -> None:
    await setup.double.send_message(setup.guild.general, setup.member, "hello bot")
    await setup.double.slash(setup.guild, setup.member, "ping")  # a round trip orders the events
    received = setup.bot.received_messages[-1]
    assert received.author.id == setup.member.id
    assert received.content == ""  # no message-content intent


async def test_two_guilds_with_different_members(double: DiscordDouble) -> None:
    first = double.add_guild("First")
    second = double.add_guild("Second")
    boss = double.add_member(first, "boss", permissions=discord.Permissions(manage_guild=True))
    double.add_member(second, boss)  # the same person, without permissions there
    async with connected_bot(double, ExampleBot()) as bot:  # shard count from /gateway/bot
        assert {g.id for g in bot.guilds} == {first.id, second.id}
        ok = await double.slash(first, boss, "config timezone", zone="Asia/Tokyo")
        assert ok.content == "Time zone set to Asia/Tokyo in First"
        no = await double.slash(second, boss, "config timezone", zone="Asia/Tokyo")
        assert no.content == "You need Manage Server."
        late = double.add_guild("Late")
        newcomer = double.add_member(late, "newcomer")
        reply = await double.slash(late, newcomer, "ping")
        assert reply.content == "pong"
        assert bot.get_guild(late.id) is not None
    assert_no_validation_errors(double)


async def test_sharding_sends_each_guild_to_its_shard(double: DiscordDouble) -> None:
    guilds: list[FakeGuild] = [double.add_guild(f"Guild {n}") for n in range(4)]
    members: list[FakeUser] = [double.add_member(g, f"m{n}") for n, g in enumerate(guilds)]
    async with connected_bot(double, ExampleBot(shard_count=2)) as bot:
        assert sorted(i.shard_id for i in double.hub.identifies) == [0, 1]
        for session in double.sessions:
            assert all(session.handles_guild(g) for g in session.sent_guild_ids)
        assert len(bot.guilds) == 4
        for guild, member in zip(guilds, members, strict=True):
            assert (await double.slash(guild, member, "ping")).content == "pong"


def test_validator_knows_routes_and_snowflakes() -> None:
    validator = SpecValidator.from_file()
    body = {"content": "hi", "allowed_mentions": {"parse": [], "users": [123]}}
    assert validator.validate("POST", "/channels/1/messages", body) == []
    assert validator.validate("GET", "/channels/1/messages/pins", None) == []
    [problem] = validator.validate("GET", "/made/up", None)
    assert "documents no such route" in problem
    [problem] = validator.validate("POST", "/channels/1/messages", {"embeds": [{"title": 5}]})
    assert "/embeds/0/title" in problem


async def test_threads_events_polls_pins_reactions(setup: Setup) -> None:
    double = setup.double
    reply = await double.slash(setup.guild, setup.member, "extras")
    assert reply.content == "event Session 1; poll closed True"
    [posted] = [m for m in double.channel_messages(setup.guild.general) if m.get("poll")]
    assert posted["pinned"]
    assert posted["reactions"][0]["emoji"]["name"] == "\N{THUMBS UP SIGN}"
    assert "[poll] Next reading?\n  ( ) Kronstadt" in render(posted)
    assert sorted(t.name for t in double.threads(setup.guild)) == ["Chapter 1", "Organisers"]
    [event] = double.scheduled_events(setup.guild)
    assert event["name"] == "Session 1"
    assert setup.bot.get_guild(setup.guild.id).get_scheduled_event(int(event["id"])) is not None
    assert_no_validation_errors(double)


async def test_unknown_route_is_404_and_recorded(setup: Setup) -> None:
    double = setup.double
    with pytest.raises(discord.NotFound):
        await setup.bot.http.request(discord.http.Route("GET", "/made/up/{x}", x=1))
    assert [r.path for r in double.unhandled_requests] == ["/made/up/1"]
    assert any("documents no such route" in e for e in double.validation_errors)
    double.validation_errors.clear()
    double.unhandled_requests.clear()


async def test_wait_for_sees_requests_the_bot_makes_on_its_own(setup: Setup) -> None:
    double = setup.double
    start = len(double.requests)
    channel = setup.bot.get_channel(setup.guild.general.id)
    assert isinstance(channel, discord.TextChannel)
    task = asyncio.create_task(channel.send("timer fired"))
    request = await double.wait_for(
        lambda r: r.json == {**r.json, "content": "timer fired"}, since=start
    )
    await task
    assert request.route == "/channels/{channel_id}/messages"
    with pytest.raises(AssertionError, match="no matching request"):
        await double.wait_for(lambda r: r.method == "DELETE", 0.05, since=start)


def test_missing_spec(tmp_path: Path) -> None:
    missing = tmp_path / "openapi.json"
    with pytest.raises(SpecNotFoundError, match="DISCORD_API_SPEC"):
        DiscordDouble(validate=True, spec_path=missing)
    assert DiscordDouble(validate=None, spec_path=missing).validator is None


async def test_enforced_nonce_returns_the_first_message(setup: Setup) -> None:
    double, bot = setup.double, setup.bot
    channel = bot.get_partial_messageable(setup.guild.general.id, guild_id=setup.guild.id)
    first = await channel.send("reminder", nonce="t42u7")
    again = await channel.send("reminder", nonce="t42u7")
    other = await channel.send("reminder", nonce="t43u7")
    assert again.id == first.id
    assert other.id != first.id
    assert [m["content"] for m in double.channel_messages(setup.guild.general)].count(
        "reminder"
    ) == 2
