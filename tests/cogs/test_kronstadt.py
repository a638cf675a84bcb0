"""/kronstadt end to end: the whole resolution in pages, one point, bad numbers, autocomplete."""

from __future__ import annotations

from bot.client import StudyCircle
from discord_double import DiscordDouble
from tests.cogs.library_support import (
    NEXT,
    PREVIOUS,
    all_pages,
    assert_choices,
    assert_fits,
    page_texts,
    position,
)
from tests.e2e.fixtures import BotRunner, Server


async def test_whole_resolution_pages_through_every_point(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    first = await double.slash(server.guild, server.member, "kronstadt")
    assert not first.ephemeral  # a look-up the whole channel can read
    assert_fits(first)
    assert position(first) == (1, 5)
    assert first.button(PREVIOUS).get("disabled")
    pages = await all_pages(double, server.guild, server.member, first)
    assert len(pages) == 5
    text = page_texts(pages)
    resolution = bot.content.resolution
    assert resolution.title in text
    assert "28 February 1921" in text
    assert "1 March 1921" in text
    assert "Petropavlovsk" in text
    assert "Anchor Square" in text
    assert " ".join(resolution.preamble.split()) in " ".join(text.split())
    flat = " ".join(text.replace("┃", " ").split())
    for point in resolution.points:
        assert f"**{point.number}. {point.gist}**" in text
        assert " ".join(point.text.split()) in flat
        assert " ".join(point.note.split()) in flat
    assert "14 point list" in text  # the seed's miscount is explained, not followed
    assert "15 numbered points" in flat
    assert first.button(NEXT).get("disabled")  # the live message is on its last page
    # Back one page, still in place.
    back = await double.press(server.guild, server.member, first, PREVIOUS)
    assert back.message_id == first.message_id
    assert position(back) == (4, 5)


async def test_another_member_pages_a_private_copy(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    shared = await double.slash(server.guild, server.organiser, "kronstadt")
    copy = await double.press(server.guild, server.member, shared, NEXT)
    assert copy.type == "message"
    assert copy.ephemeral
    assert position(copy) == (2, 5)
    assert position(shared) == (1, 5)  # the shared message did not move for everyone else
    # In the private copy the member is the owner, so it turns in place.
    again = await double.press(server.guild, server.member, copy, NEXT)
    assert again.type == "update"
    assert position(again) == (3, 5)


async def test_one_point_with_preamble_dates_and_context(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "kronstadt", point=3)
    assert not reply.ephemeral
    assert_fits(reply)
    point = bot.content.resolution.points[2]
    assert f"Point 3 of 15: {point.gist}" in reply.text
    assert "freedom of assembly" in reply.text.lower()
    assert " ".join(point.note.split()) in " ".join(reply.text.replace("┃", " ").split())
    assert "the meeting resolves" in reply.text  # the preamble
    assert "28 February 1921" in reply.text
    assert position(reply) == (3, 15)
    following = await double.press(server.guild, server.member, reply, NEXT)
    assert "Point 4 of 15" in following.text


async def test_first_and_last_points(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    first = await double.slash(server.guild, server.member, "kronstadt", point=1)
    assert "Point 1 of 15" in first.text
    assert "secret ballot" in first.text
    assert first.button(PREVIOUS).get("disabled")
    last = await double.slash(server.guild, server.member, "kronstadt", point=15)
    assert "Point 15 of 15" in last.text
    assert "own labour" in last.text
    assert last.button(NEXT).get("disabled")


async def test_a_point_out_of_range_names_the_valid_range(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    # Discord would let any integer through (there is no min/max on the option): the bot's
    # own answer explains.
    for number in (0, 16, -3, 2**53):
        before = len(double.channel_messages(server.guild.general))
        reply = await double.slash(server.guild, server.member, "kronstadt", point=number)
        assert reply.ephemeral, number
        assert "The resolution has points 1 to 15" in reply.content, number
        assert f"there is no point {number}" in reply.content
        assert len(double.channel_messages(server.guild.general)) == before


async def test_point_autocomplete_shows_each_gist(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    everything = await double.autocomplete(server.guild, server.member, "kronstadt", "point", "")
    assert_choices(everything)
    assert [c["value"] for c in everything] == list(range(1, 16))
    gists = {p.number: p.gist for p in bot.content.resolution.points}
    assert all(c["name"] == f"{c['value']} — {gists[c['value']]}" for c in everything)
    typed_one = await double.autocomplete(server.guild, server.member, "kronstadt", "point", "1")
    assert [c["value"] for c in typed_one] == [1, 10, 11, 12, 13, 14, 15]
    by_word = await double.autocomplete(server.guild, server.member, "kronstadt", "point", "ballot")
    assert by_word[0]["value"] == 1
    assert_choices(by_word)


async def test_resolution_buttons_work_after_a_restart(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    async with bot_runner():
        whole = await double.slash(server.guild, server.member, "kronstadt")
        point = await double.slash(server.guild, server.member, "kronstadt", point=14)
    async with bot_runner():
        turned = await double.press(server.guild, server.member, whole, NEXT)
        assert turned.type == "update"
        assert position(turned) == (2, 5)
        assert "points 1–5 of 15" in turned.text
        stepped = await double.press(server.guild, server.member, point, NEXT)
        assert "Point 15 of 15" in stepped.text


async def test_works_in_direct_messages(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(None, server.member, "kronstadt", point=2)
    assert "Point 2 of 15" in reply.text
