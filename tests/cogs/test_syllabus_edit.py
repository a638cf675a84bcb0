"""Organisers correct the syllabus while the bot runs: assign and move, unassign, edit (a form
with today's values), remove (confirmed, references handled) and /term start."""

from __future__ import annotations

from datetime import timedelta

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble
from tests.cogs.library_support import all_pages, page_texts
from tests.cogs.sessions_support import schedule_thursdays
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import Server

MINE = {
    "title": "My Disillusionment in Russia",
    "authors": "Emma Goldman",
    "year": "1923",
    "url": "https://example.org/goldman",
    "summary": "Two years in Soviet Russia.",
}


async def syllabus_text(double: DiscordDouble, server: Server) -> str:
    first = await double.slash(server.guild, server.member, "reading list")
    return page_texts(await all_pages(double, server.guild, server.member, first))


def week_of(text: str, title: str) -> str:
    """The heading of the week block whose lines name ``title``."""
    heading = ""
    for raw in text.splitlines():
        line = raw.removeprefix("┃ ")
        if line.startswith(("**Week", "**Not scheduled")):
            heading = line
        if title in line and line.startswith("•"):
            return heading
    raise AssertionError(f"{title!r} is not on the list")


async def add_mine(double: DiscordDouble, server: Server) -> str:
    form = await double.slash(server.guild, server.organiser, "reading add")
    added = await double.submit_modal(server.guild, server.organiser, form, MINE)
    assert "Added" in added.content
    return "my-disillusionment-in-russia"


async def test_assign_move_unassign_and_the_list_follows(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await add_mine(double, server)
    reply = await double.slash(
        server.guild, server.organiser, "reading assign", reading="Goldman", week=3
    )
    assert "is now in Week 3" in reply.content
    moved = await double.slash(
        server.guild, server.organiser, "reading assign", reading="Goldman", week=4
    )
    assert "(moved from week 3)" in moved.content
    assert week_of(await syllabus_text(double, server), "My Disillusionment").startswith("**Week 4")

    # A pack reading assigned by mistake comes out of its week, and stays on the server.
    out = await double.slash(
        server.guild, server.organiser, "reading unassign", reading="brinton-1970"
    )
    assert out.ephemeral
    assert "no longer in week 2" in out.content
    text = await syllabus_text(double, server)
    assert week_of(text, "Workers' Control").startswith("**Not scheduled yet")
    again = await double.slash(
        server.guild, server.organiser, "reading unassign", reading="brinton-1970"
    )
    assert again.ephemeral
    assert "is not in any week" in again.content
    # After a restart the unassignment holds (it is in the database, not only in memory).
    card = await timed_bot.services.library.reading(server.guild.id, "brinton-1970")
    assert card.week is None
    assert_mentions_inert(double)


async def test_edit_opens_a_filled_form_and_refuses_pack_readings(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    slug = await add_mine(double, server)
    choices = await double.autocomplete(
        server.guild, server.organiser, "reading edit", "reading", ""
    )
    assert [c["value"] for c in choices] == [slug]  # only what the server added
    form = await double.slash(server.guild, server.organiser, "reading edit", reading=slug)
    assert form.type == "modal"
    shown = {
        c["custom_id"]: c.get("value")
        for row in form.modal["components"]
        for c in (row.get("components") or [row.get("component")])
        if c
    }
    assert shown == MINE  # every field filled with today's values
    values = {**MINE, "title": "My Further Disillusionment in Russia"}
    saved = await double.submit_modal(server.guild, server.organiser, form, values)
    assert saved.ephemeral
    assert "Saved *My Further Disillusionment in Russia*" in saved.content
    info = await double.slash(server.guild, server.member, "reading info", reading=slug)
    assert "My Further Disillusionment" in info.text
    assert "https://example.org/goldman" in info.text  # untouched fields kept

    pack = await double.slash(server.guild, server.organiser, "reading edit", reading="Brinton")
    assert pack.ephemeral
    assert "can't be edited" in pack.content
    assert "/reading remove" in pack.content
    neither = await double.slash(server.guild, server.organiser, "reading edit")
    assert "Name either a `reading` or an `excerpt`" in neither.content


async def test_edit_an_excerpt_the_server_added(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    quote = await timed_bot.services.library.add_excerpt(
        server.guild.id,
        server.organiser.id,
        "Emma Goldman",
        "Living My Life",
        "1931",
        "The words as first typed, with a typo.",
    )
    form = await double.slash(server.guild, server.organiser, "reading edit", excerpt=quote.ref)
    assert form.type == "modal"
    saved = await double.submit_modal(
        server.guild,
        server.organiser,
        form,
        {
            "author": "Emma Goldman",
            "work": "Living My Life",
            "date": "1931",
            "text": "The words as they should be.",
        },
    )
    assert f"Saved excerpt {quote.ref}" in saved.content
    quotes = {q.ref: q for q in await timed_bot.services.library.quotes(server.guild.id)}
    assert quotes[quote.ref].text == "The words as they should be."


async def test_remove_asks_first_and_handles_what_refers_to_the_reading(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    slug = await add_mine(double, server)
    guild_id = server.guild.id
    library, prompts = timed_bot.services.library, timed_bot.services.prompts
    await library.assign(guild_id, slug, 2)
    await library.mark_done(guild_id, server.member.id, slug)
    prompt = await prompts.add(guild_id, server.member.id, "Was Goldman fair?", reading_id=slug)

    question = await double.slash(server.guild, server.organiser, "reading remove", reading=slug)
    assert question.ephemeral
    assert "Delete *My Disillusionment in Russia*" in question.content
    assert "1 done mark by members will be deleted" in question.content
    assert "1 prompt written for it stay, as general prompts" in question.content
    kept = await double.press(server.guild, server.organiser, question, "Keep everything")
    assert "Nothing was changed" in kept.content
    assert (await library.reading(guild_id, slug)).week == 2

    question = await double.slash(server.guild, server.organiser, "reading remove", reading=slug)
    # Only the organiser who asked can answer their question.
    other = await double.press(server.guild, server.member, question, "Delete it")
    assert other.ephemeral
    assert "member who asked" in other.content
    done = await double.press(server.guild, server.organiser, question, "Delete it")
    assert "is deleted" in done.content
    assert slug not in {c.id for c in await library.readings(guild_id)}
    assert (await library.progress(guild_id, server.member.id)).done == ()
    assert (await prompts.get(guild_id, prompt.id)).reading_id is None  # kept, general
    assert "My Disillusionment" not in await syllabus_text(double, server)


async def test_a_pack_reading_is_hidden_and_comes_back(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, other_server: Server
) -> None:
    library = timed_bot.services.library
    await library.mark_done(server.guild.id, server.member.id, "brinton-1970")
    question = await double.slash(
        server.guild, server.organiser, "reading remove", reading="brinton-1970"
    )
    assert "Hide *The Bolsheviks and Workers' Control" in question.content
    assert "done marks are kept" in question.content
    hidden = await double.press(server.guild, server.organiser, question, "Hide it")
    assert "hidden on this server" in hidden.content
    assert "Workers' Control" not in await syllabus_text(double, server)
    assert "Workers' Control" in await syllabus_text(double, other_server)  # not elsewhere
    missing = await double.slash(server.guild, server.member, "reading info", reading="Brinton")
    assert missing.ephemeral
    back = await double.slash(
        server.guild, server.organiser, "reading assign", reading="Brinton", week=5
    )
    assert "it is back" in back.content
    assert week_of(await syllabus_text(double, server), "Workers' Control").startswith("**Week 5")
    assert len((await library.progress(server.guild.id, server.member.id)).done) == 1


async def test_term_start_moves_week_one_without_a_schedule(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    reply = await double.slash(server.guild, server.organiser, "term start", date="2027-02-15")
    assert reply.ephemeral
    assert "Week 1 now starts on Mon 15 February 2027; today is in week 3." in reply.content
    current = await double.slash(server.guild, server.member, "reading current")
    assert "Week 3" in current.text
    bad = await double.slash(server.guild, server.organiser, "term start", date="15/02/2027")
    assert bad.ephemeral
    assert "not a date" in bad.content
    far = await double.slash(server.guild, server.organiser, "term start", date="2031-01-01")
    assert "within a year" in far.content

    await schedule_thursdays(double, timed_bot, server)
    noted = await double.slash(server.guild, server.organiser, "term start", date="2027-03-08")
    assert "the weeks follow the sessions" in noted.content
    clock.advance(timedelta(days=1))
