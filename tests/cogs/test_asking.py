"""Answers in chat: a mention with a question gets a cited reply with a Next button that
survives a restart, a bare mention a hint, a flood at most a few answers, and nothing pings;
"Find the source" on a message traces a quotation or paraphrase, privately."""

from __future__ import annotations

from typing import Any

from bot.client import StudyCircle
from discord_double import DiscordDouble
from discord_double.render import render_message
from tests.cogs.library_support import NEXT, assert_message_fits
from tests.cogs.support import assert_mentions_inert, message_bodies
from tests.e2e.fixtures import BotRunner, Server


def mention(double: DiscordDouble) -> str:
    return f"<@{double.world.bot_user.id}>"


async def ask(double: DiscordDouble, server: Server, text: str, channel=None) -> dict[str, Any]:
    """Post ``text`` as the member and wait for the bot's reply to it."""
    place = channel or server.guild.general
    asked = await double.send_message(place, server.member, text)

    def replies_to_it(message: dict[str, Any]) -> bool:
        reference = message.get("message_reference") or {}
        return reference.get("message_id") == asked["id"]

    return await double.wait_for_message(place, replies_to_it)


async def test_a_question_gets_the_best_cited_answer_as_a_reply(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    before = len(double.requests)
    reply = await ask(double, server, f"{mention(double)} what did point 8 demand?")
    assert_message_fits(reply)
    text = render_message(reply)
    assert "Point 8 of the Kronstadt resolution — Remove all road-block detachments" in text
    assert "road-block detachments" in text
    assert "You asked: what did point 8 demand?" in text
    assert "`/kronstadt point:8`" in text  # the command that shows more
    assert "Resolution of the General Meeting" in text  # its source
    assert "Best answer of" in text
    assert assert_mentions_inert(double, before) >= 1  # no one pinged, not even the asker
    body = message_bodies(double, before)[-1]
    assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
    following = await double.press(server.guild, server.member, reply, NEXT)
    assert following.type == "update"  # the asker turns the page in place
    assert "Answer 2 of" in following.text


async def test_the_next_button_survives_a_restart(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    async with bot_runner():
        reply = await ask(double, server, f"{mention(double)} who was Kozlovsky")
        assert "Alexander Kozlovsky" in render_message(reply)
        copy = await double.press(server.guild, server.organiser, reply, NEXT)
        assert copy.ephemeral  # someone else gets a private copy
        expected = copy.embeds
    async with bot_runner():
        again = await double.press(server.guild, server.organiser, reply, NEXT)
        assert again.embeds == expected


async def test_a_bare_mention_gets_a_one_line_hint(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    reply = await ask(double, server, f"  {mention(double)}  ")
    assert "\n" not in reply["content"]
    assert "Ask me something after the mention" in reply["content"]
    assert not reply.get("embeds")


async def test_nothing_in_the_question_can_ping(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    role = double.add_role(server.guild, "readers")
    before = len(double.requests)
    question = f"{mention(double)} @everyone <@&{role.id}> <@{server.organiser.id}> kursanty"
    reply = await ask(double, server, question)
    assert "kursanty" in render_message(reply)
    assert "@\u200beveryone" in render_message(reply)  # echoed, defused
    assert assert_mentions_inert(double, before) >= 1


async def test_a_flood_of_mentions_gets_at_most_three_answers(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    channel = double.add_channel(server.guild, "busy")
    for n in range(8):
        await double.send_message(channel, server.member, f"{mention(double)} soviets {n}")
    await double.slash(server.guild, server.member, "ping")  # a round trip orders the events
    await double.wait_for_messages(channel, 3)
    await double.slash(server.guild, server.member, "ping")
    assert len(double.channel_messages(channel)) == 3
    # Another channel is not held back by this one.
    assert "Point 1" in render_message(
        await ask(double, server, f"{mention(double)} secret ballot")
    )


async def test_answers_in_a_thread(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    thread = double.world.add_channel(
        server.guild, "week 7", 11, parent_id=server.guild.general.id, owner_id=server.member.id
    )
    async with bot_runner():  # the bot learns of the thread when it connects
        reply = await ask(double, server, f"{mention(double)} Tukhachevskii", channel=thread)
    assert "Mikhail Tukhachevsky" in render_message(reply)
    assert reply["channel_id"] == str(thread.id)


async def test_a_message_without_a_mention_is_left_alone(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    await double.send_message(server.guild.general, server.member, "what did point 8 demand?")
    await double.slash(server.guild, server.member, "ping")
    assert double.channel_messages(server.guild.general) == []


# -- Find the source ---------------------------------------------------------------------------
# Berkman, p. 5, as a member might post it: other quotation marks and punctuation, British
# spelling, a word dropped ("still") and one changed ("and" for "with").
QUOTE = (
    "\u201cthe Communist State showed no intention of loosening the yoke; the same policies "
    "continued, and labour militarisation further enslaving the people\u201d"
)


async def test_find_the_source_of_a_loose_quotation(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    before = len(double.requests)
    posted = await double.send_message(server.guild.general, server.member, QUOTE)
    found = await double.message_command(server.guild, server.organiser, "Find the source", posted)
    assert found.ephemeral
    text = found.text
    assert "Alexander Berkman, *The Kronstadt Rebellion* (1922)" in text
    assert "ch. I, Labor Disturbances in Petrograd, p. 5" in text  # where it sits
    assert "The Communist State" in text  # the passage as printed
    assert "% alike" in text
    assert assert_mentions_inert(double, before) >= 1


async def test_find_the_source_of_a_quote_cut_short_and_of_a_point(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    cut = "Kronstadt experience proves once more that government, the State"
    posted = await double.send_message(server.guild.general, server.member, f'"{cut}..."')
    found = await double.message_command(server.guild, server.member, "Find the source", posted)
    assert "Author's Afterword" in found.text
    assert "word for word" in found.text
    paraphrase = "release all political prisoners who belong to the socialist parties!!"
    posted = await double.send_message(server.guild.general, server.member, paraphrase)
    found = await double.message_command(server.guild, server.member, "Find the source", posted)
    assert "Point 5" in found.text
    assert "the Kronstadt resolution, point 5 of 15" in found.text


async def test_find_the_source_says_honestly_when_nothing_is_close(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.wait_until_ready()
    unrelated = "The cat sat on the warm windowsill all afternoon, watching pigeons argue."
    posted = await double.send_message(server.guild.general, server.member, unrelated)
    found = await double.message_command(server.guild, server.member, "Find the source", posted)
    assert found.ephemeral
    assert "couldn't find a passage close enough" in found.content
    short = await double.send_message(server.guild.general, server.member, "kronstadt!")
    found = await double.message_command(server.guild, server.member, "Find the source", short)
    assert "too short" in found.content


async def test_find_the_source_sees_a_servers_own_excerpts_only_there(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    words = "The zemstvo clerk wrote that the harvest committee met every second Tuesday."
    await bot.services.library.add_excerpt(
        server.guild.id, server.organiser.id, "A. Clerk", "Village diary", "1919", words
    )
    posted = await double.send_message(server.guild.general, server.member, words)
    found = await double.message_command(server.guild, server.member, "Find the source", posted)
    assert "A. Clerk, *Village diary* (1919)" in found.text
    there = await double.send_message(other_server.guild.general, other_server.member, words)
    missed = await double.message_command(
        other_server.guild, other_server.member, "Find the source", there
    )
    assert "couldn't find" in missed.content
