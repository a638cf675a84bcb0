"""/prompt end to end through the Discord double: add (inline and by form), list in pages,
random rotation, used, delete permissions, export files, isolation and mention abuse."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.client import StudyCircle
from bot.discussion.prompts import PromptService
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble, iter_components
from discord_double.interactions import InteractionReply
from discord_double.state import FakeUser
from tests.cogs.sessions_support import START
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import BotRunner, Server

ABUSE = "@everyone @here <@&123> <@456> <@!789>"
BRINTON = "brinton-1970"


@pytest.fixture(autouse=True)
def members_prompts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about members' own prompts, so servers here get no starter prompts
    from the pack; the starters are tested in tests/cogs/test_starter_prompts.py."""

    async def no_starters(_self: PromptService, _guild_id: int) -> None:
        return None

    monkeypatch.setattr(PromptService, "ensure_starters", no_starters)


def prompt_id(reply: InteractionReply) -> int:
    match = re.search(r"Prompt #(\d+)", reply.embeds[0]["footer"]["text"])
    assert match, reply.text
    return int(match[1])


async def add(
    double: DiscordDouble, server: Server, user: FakeUser, text: str, **options: Any
) -> int:
    reply = await double.slash(server.guild, user, "prompt add", text=text, **options)
    assert reply.ephemeral
    assert "saved" in reply.embeds[0]["title"], reply.text
    return prompt_id(reply)


# ---- adding ----------------------------------------------------------------------------------


async def test_add_inline_and_for_a_reading(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(
        server.guild, server.member, "prompt add", text="  What did the sailors want?  "
    )
    assert reply.ephemeral
    assert reply.embeds[0]["description"] == "What did the sailors want?"
    assert f"<@{server.member.id}>" in reply.text
    general = prompt_id(reply)
    # Autocomplete offers the reading by id; a typed title resolves too.
    choices = await double.autocomplete(
        server.guild, server.member, "prompt add", "reading", "brin"
    )
    assert choices[0]["value"] == BRINTON
    by_id = await add(
        double, server, server.member, "Is ownership beside the point?", reading=BRINTON
    )
    by_name = await add(double, server, server.member, "Was 1918 the turn?", reading="Brinton")
    assert (
        "The Bolsheviks and Workers' Control"
        in (await double.slash(server.guild, server.member, "prompt list", reading=BRINTON)).text
    )
    stored = {
        p.id: p for p in (await bot.services.prompts.list(server.guild.id, per_page=25)).items
    }
    assert stored[general].reading_id is None
    assert stored[general].author_id == server.member.id
    assert stored[by_id].reading_id == BRINTON
    assert stored[by_name].reading_id == BRINTON


async def test_add_without_text_opens_a_form(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    long_text = "Why did the Tenth Congress ban factions?\n\n" + "Think about it. " * 40
    form = await double.slash(server.guild, server.member, "prompt add", reading=BRINTON)
    assert form.modal is not None
    assert form.modal["title"] == "Add a discussion prompt"
    [field] = [c for c in iter_components(form.modal["components"]) if c.get("type") == 4]
    assert field["max_length"] == 1000
    saved = await double.submit_modal(
        server.guild, server.member, form, {field["custom_id"]: long_text}
    )
    assert saved.ephemeral
    prompt = await bot.services.prompts.get(server.guild.id, prompt_id(saved))
    assert prompt.text == long_text.strip()
    assert prompt.reading_id == BRINTON


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"text": "x" * 1001}, "1001 characters long; the limit is 1000"),
        ({"text": "   "}, "prompt is empty"),
        ({"text": "fine", "reading": "no such book at all"}, "No reading matches"),
    ],
)
async def test_bad_prompts_are_refused_and_change_nothing(
    double: DiscordDouble,
    bot: StudyCircle,
    server: Server,
    options: dict[str, str],
    expected: str,
) -> None:
    reply = await double.slash(server.guild, server.member, "prompt add", options)
    assert reply.ephemeral
    assert expected in reply.content
    assert (await bot.services.prompts.list(server.guild.id)).total == 0


async def test_an_overlong_form_is_refused(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    form = await double.slash(server.guild, server.member, "prompt add")
    [field] = [c for c in iter_components(form.modal["components"]) if c.get("type") == 4]
    refused = await double.submit_modal(
        server.guild, server.member, form, {field["custom_id"]: "y" * 1001}
    )
    assert refused.ephemeral
    assert "limit is 1000" in refused.content
    assert (await bot.services.prompts.list(server.guild.id)).total == 0


# ---- listing and drawing ---------------------------------------------------------------------


async def test_list_pages_and_filters_by_reading(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    empty = await double.slash(server.guild, server.member, "prompt list")
    assert "No prompts yet" in empty.text
    for n in range(12):
        await bot.services.prompts.add(server.guild.id, server.member.id, f"general question {n}")
    await bot.services.prompts.add(server.guild.id, server.member.id, "about brinton", BRINTON)
    first = await double.slash(server.guild, server.member, "prompt list")
    assert first.ephemeral
    assert "general question 0" in first.text
    assert "general question 10" not in first.text
    assert "13 prompts · page 1/2" in first.text
    second = await double.press(server.guild, server.member, first, "Next ▶")
    assert "general question 10" in second.text
    assert "about brinton" in second.text
    assert "page 2/2" in second.text
    only = await double.slash(server.guild, server.member, "prompt list", reading=BRINTON)
    assert "about brinton" in only.text
    assert "general question" not in only.text
    assert "1 prompt · page 1/1" in only.text


async def test_random_rotates_through_every_prompt_before_repeating(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    none_yet = await double.slash(server.guild, server.member, "prompt random")
    assert none_yet.ephemeral
    assert "no prompts yet" in none_yet.content
    texts = {f"question {n}" for n in range(4)}
    for text in sorted(texts):
        await add(double, server, server.member, text)
    drawn = []
    for _ in range(4):
        reply = await double.slash(server.guild, server.member, "prompt random")
        assert not reply.ephemeral  # posed to the whole channel
        drawn.append(reply.embeds[0]["description"])
    assert set(drawn) == texts
    fifth = await double.slash(server.guild, server.member, "prompt random")
    assert fifth.embeds[0]["description"] in texts
    assert fifth.embeds[0]["description"] != drawn[-1]  # a new rotation never repeats the last

    await add(double, server, server.member, "only brinton", reading=BRINTON)
    for _ in range(2):
        reading_draw = await double.slash(
            server.guild, server.member, "prompt random", reading=BRINTON
        )
        assert reading_draw.embeds[0]["description"] == "only brinton"
        assert "The Bolsheviks and Workers' Control" in reading_draw.text


async def test_used_marks_the_prompt_and_the_running_session(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    # Monday 1 March 2027, 12:00 UTC: the weekly Monday 11:30 session is under way.
    clock = FakeClock(START)
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        pid = await add(double, server, server.member, "Was Kronstadt avoidable?")
        reply = await double.slash(server.guild, server.member, "prompt used", id=pid)
        assert reply.ephemeral
        assert reply.content == f"Prompt #{pid} is marked as used."
        assert (await bot.services.prompts.get(server.guild.id, pid)).used_in_session is None

        await bot.services.sessions.schedule(server.guild.id, "monday", "11:30", "UTC")
        in_session = await double.slash(server.guild, server.member, "prompt used", id=pid)
        assert "in the session of" in in_session.content
        prompt = await bot.services.prompts.get(server.guild.id, pid)
        assert prompt.used_in_session == datetime(2027, 3, 1, 11, 30, tzinfo=UTC)
        assert prompt.used_at == clock()
        listed = await double.slash(server.guild, server.member, "prompt list")
        assert "(used)" in listed.text
        clock.advance(timedelta(days=1))
        missing = await double.slash(server.guild, server.member, "prompt used", id=pid + 100)
        assert missing.ephemeral
        assert f"no prompt #{pid + 100}" in missing.content


async def test_delete_is_for_the_author_or_an_organiser(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    stranger = double.add_member(server.guild, "stranger")
    mine = await add(double, server, server.member, "mine")
    theirs = await add(double, server, stranger, "theirs")
    refused = await double.slash(server.guild, stranger, "prompt delete", id=mine)
    assert refused.ephemeral
    assert "author or an organiser" in refused.content
    assert (await bot.services.prompts.get(server.guild.id, mine)).text == "mine"
    own = await double.slash(server.guild, server.member, "prompt delete", id=mine)
    assert own.content == f"Deleted prompt #{mine}: mine"
    by_organiser = await double.slash(server.guild, server.organiser, "prompt delete", id=theirs)
    assert f"Deleted prompt #{theirs}" in by_organiser.content
    gone = await double.slash(server.guild, server.organiser, "prompt delete", id=theirs)
    assert f"no prompt #{theirs}" in gone.content
    assert (await bot.services.prompts.list(server.guild.id)).total == 0


# ---- export ----------------------------------------------------------------------------------


async def test_export_markdown_and_csv(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    first = await add(double, server, server.member, '=HYPERLINK("evil")')
    second = await add(double, server, server.member, "Line one\nline two", reading=BRINTON)
    await double.slash(server.guild, server.member, "prompt used", id=second)

    markdown = await double.slash(server.guild, server.member, "prompt export")
    assert markdown.ephemeral
    [md] = markdown.files
    assert md.name.startswith("prompts-")
    assert md.name.endswith(".md")
    text = md.data.decode()
    assert text.startswith("# Discussion prompts (exported ")
    assert "## General" in text
    assert f"## Reading: {BRINTON}" in text
    assert f"- **#{second}** Line one\n  line two" in text
    assert "_unused_" in text
    assert "_used " in text

    exported = await double.slash(server.guild, server.member, "prompt export", format="csv")
    [sheet] = exported.files
    assert sheet.name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(sheet.data.decode())))
    assert [int(r["id"]) for r in rows] == [first, second]
    assert rows[0]["text"] == '\'=HYPERLINK("evil")'  # never run as a spreadsheet formula
    assert rows[1]["reading"] == BRINTON
    assert rows[1]["author_id"] == str(server.member.id)
    assert rows[1]["used_at"]
    assert not rows[0]["used_at"]


# ---- isolation, autocomplete and mentions ----------------------------------------------------


async def test_one_server_never_sees_anothers_prompts(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    secret = await add(double, server, server.member, "secret question of the first server")
    for command in ("prompt used", "prompt delete"):
        reply = await double.slash(other_server.guild, other_server.organiser, command, id=secret)
        assert reply.ephemeral
        assert f"no prompt #{secret}" in reply.content
    drawn = await double.slash(other_server.guild, other_server.member, "prompt random")
    assert "no prompts yet" in drawn.content
    listed = await double.slash(other_server.guild, other_server.member, "prompt list")
    assert "secret question" not in listed.text
    exported = await double.slash(other_server.guild, other_server.member, "prompt export")
    assert b"secret question" not in exported.files[0].data
    choices = await double.autocomplete(
        other_server.guild, other_server.member, "prompt delete", "id", ""
    )
    assert choices == []
    prompt = await bot.services.prompts.get(server.guild.id, secret)
    assert prompt.used_at is None
    # Ids beyond the 32-bit column (PostgreSQL would refuse them) are simply not found.
    for huge in (2**31, 2**53):
        reply = await double.slash(server.guild, server.member, "prompt used", id=huge)
        assert f"no prompt #{huge}" in reply.content
    for typed in ("9" * 30, "\x00²", "%"):
        assert (
            await double.autocomplete(server.guild, server.member, "prompt used", "id", typed) == []
        )


async def test_prompt_id_autocomplete_previews_the_text(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    first = await add(double, server, server.member, "What did the sailors want?")
    second = await add(double, server, server.member, "Was the NEP a retreat?\n" + "long " * 40)
    every = await double.autocomplete(server.guild, server.member, "prompt used", "id", "")
    assert [c["value"] for c in every] == [second, first]
    assert every[1]["name"] == f"#{first} What did the sailors want?"
    assert len(every[0]["name"]) <= 100
    assert "\n" not in every[0]["name"]
    by_text = await double.autocomplete(
        server.guild, server.member, "prompt delete", "id", "SAILORS"
    )
    assert [c["value"] for c in by_text] == [first]
    by_id = await double.autocomplete(
        server.guild, server.member, "prompt delete", "id", f"#{second}"
    )
    assert by_id[0]["value"] == second


async def test_mentions_in_prompts_never_ping(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    start = len(double.requests)
    pid = await add(double, server, server.member, f"Discuss {ABUSE}", reading=BRINTON)
    drawn = await double.slash(server.guild, server.member, "prompt random")
    assert ABUSE in drawn.embeds[0]["description"]  # shown as written, inside an embed
    await double.slash(server.guild, server.member, "prompt list")
    await double.slash(server.guild, server.member, "prompt used", id=pid)
    deleted = await double.slash(server.guild, server.member, "prompt delete", id=pid)
    assert "<@456>" not in deleted.content  # plain content gets the tokens defused
    assert assert_mentions_inert(double, start) >= 5
