"""/source search|quote|cite|add end to end: ranked hits, paging, bad queries, isolation."""

from __future__ import annotations

from bot.client import StudyCircle
from bot.library.excerpts import EXCERPT_LIMITS
from cogs.sources import SEARCH_HITS, page_query
from discord_double import DiscordDouble
from tests.cogs.library_support import (
    NEXT,
    all_pages,
    assert_choices,
    assert_fits,
    assert_form_is_organisers_only,
    mentions_allowed,
    page_texts,
    position,
)
from tests.e2e.fixtures import BotRunner, Server

LONG_QUESTION = "what did the sailors at kronstadt demand of the soviets and the party in 1921"
TOO_MANY_LONG_WORDS = (
    "kronstadt soviets workers bolsheviks revolution petrograd resolution elections "
    "democracy committees factories congress"
)


async def add_excerpt(bot: StudyCircle, server: Server, text: str, author: str = "A. Reader"):
    return await bot.services.library.add_excerpt(
        server.guild.id, server.organiser.id, author, "Club notes", "2024", text
    )


# -- search -----------------------------------------------------------------------------------
async def test_search_finds_tolerantly_with_citation_and_highlight(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for query, expected in [
        ("Piriani", "**Pirani**"),
        ("mckay", "Iain McKay"),
        ("Malatesa", "Errico Malatesta"),
        ("secret ballot", "**secret** **ballot**"),
    ]:
        reply = await double.slash(server.guild, server.member, "source search", query=query)
        assert not reply.ephemeral, query
        assert_fits(reply)
        assert expected in reply.text, query
        first_hit = reply.embeds[0]["fields"][0]
        assert first_hit["name"].startswith("1. ")
        assert "\n— " in first_hit["value"]  # the citation line


async def test_search_for_a_point_links_to_it(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "source search", query="secret ballot")
    first = reply.embeds[0]["fields"][0]
    assert "Point 1" in first["name"]
    assert "`/kronstadt point:1`" in first["value"]
    assert "(28 February 1921)" in first["value"]  # dates are written out


async def test_many_hits_page_and_every_page_fits(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    # The longest content an organiser can add, full of markdown, all matching the query.
    filler = "**Kronstadt** _sailors_ `ice` |spoiler| <@1> @everyone > quote \\ "
    for n in range(60):
        await bot.services.library.add_excerpt(
            server.guild.id,
            server.organiser.id,
            ("Kronstadt " + "A" * 200)[: EXCERPT_LIMITS["author"] - 3] + f"{n:03}",
            ("Kronstadt work " + "W" * 300)[: EXCERPT_LIMITS["work"]],
            ("1921 " + "D" * 64)[: EXCERPT_LIMITS["date"]],
            (filler * 40)[: EXCERPT_LIMITS["text"]],
        )
    reply = await double.slash(server.guild, server.member, "source search", query="kronstadt")
    assert "the best 50 matches" in reply.text
    pages = await all_pages(double, server.guild, server.member, reply)
    assert len(pages) == position(reply)[1] >= 10
    numbers = [
        int(line.split(".", 1)[0].lstrip("┃ "))
        for page in pages
        for line in page.splitlines()
        if line.startswith("┃ ") and line[2:].split(".", 1)[0].isdigit() and line.endswith(":")
    ]
    assert numbers == list(range(1, 51))  # every hit once, in rank order, across the pages


async def test_a_long_question_still_pages(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    assert page_query(LONG_QUESTION) != LONG_QUESTION  # too long for the buttons as typed
    reply = await double.slash(server.guild, server.member, "source search", query=LONG_QUESTION)
    assert position(reply)[1] > 1
    # The very search the command runs (one more than it shows, to say whether there are more).
    found = await bot.services.library.search(server.guild.id, LONG_QUESTION, limit=SEARCH_HITS + 1)
    direct = found[:SEARCH_HITS]
    pages = await all_pages(double, server.guild, server.member, reply)
    assert direct[-1].title[:40] in page_texts(pages)  # the same hits, to the last one


async def test_a_query_too_long_to_page_shows_its_first_page_and_says_so(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    assert page_query(TOO_MANY_LONG_WORDS) is None
    reply = await double.slash(
        server.guild, server.member, "source search", query=TOO_MANY_LONG_WORDS
    )
    assert not reply.ephemeral
    assert_fits(reply)
    assert "search with fewer words to page through the rest" in reply.text
    assert reply.components == []


async def test_bad_searches_get_a_clear_private_error(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for query, message in [
        ("   ", "Type something to search for"),
        ("x" * 201, "That search is 201 characters long; keep it under 200"),
        ("!!! ...", "no words to look for"),
        ("the and of", "no words to look for"),
        ("zzqxjvvk", "Nothing matches 'zzqxjvvk'"),
    ]:
        reply = await double.slash(server.guild, server.member, "source search", query=query)
        assert reply.ephemeral, query
        assert message in reply.content, query
        assert_fits(reply)
    assert double.channel_messages(server.guild.general) == []


async def test_search_buttons_work_after_a_restart(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    async with bot_runner() as bot:
        for n in range(8):
            await add_excerpt(bot, server, f"Notes on the Kronstadt sailors, meeting {n}.")
        reply = await double.slash(
            server.guild, server.member, "source search", query="sailors meeting"
        )
        assert position(reply)[1] >= 2
        # What page 2 looks like before the restart (a private copy, leaving the reply as is).
        copy = await double.press(server.guild, server.organiser, reply, NEXT)
        expected = copy.embeds
        assert "A. Reader" in str(expected)  # the server's own excerpts are on it
    async with bot_runner():
        turned = await double.press(server.guild, server.member, reply, NEXT)
        assert turned.type == "update"
        assert position(turned)[0] == 2
        assert turned.embeds == expected


async def test_another_member_pages_search_privately(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    shared = await double.slash(server.guild, server.organiser, "source search", query="party")
    copy = await double.press(server.guild, server.member, shared, NEXT)
    assert copy.ephemeral
    assert position(copy)[0] == 2
    assert position(shared)[0] == 1


# -- quote ------------------------------------------------------------------------------------
async def test_quote_shows_author_work_and_date(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "source quote", author="Malatesa")
    assert not reply.ephemeral
    assert_fits(reply)
    assert "Errico Malatesta, *Letter to Luigi Fabbri* (30 July 1919)" in reply.text
    any_quote = await double.slash(server.guild, server.member, "source quote")
    authors = {e.author for e in bot.content.excerpts}
    assert reply.embeds[0]["author"]["name"] in authors
    assert any_quote.embeds[0]["author"]["name"] in authors


async def test_quote_by_an_unknown_author_is_an_error(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "source quote", author="Bakunin")
    assert reply.ephemeral
    assert "No excerpts by 'Bakunin'" in reply.content


async def test_author_autocomplete(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    every = await double.autocomplete(server.guild, server.member, "source quote", "author", "")
    assert_choices(every)
    assert {"Victor Serge", "Errico Malatesta", "Leon Trotsky"} <= {c["value"] for c in every}
    for typed, author in [
        ("mck", "Iain McKay"),
        ("piriani", "Simon Pirani"),
        ("serg", "Victor Serge"),
    ]:
        choices = await double.autocomplete(
            server.guild, server.member, "source quote", "author", typed
        )
        assert choices[0]["value"] == author, typed
        assert_choices(choices)


# -- cite -------------------------------------------------------------------------------------
async def test_cite_in_each_style(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    for style, label, expected in [
        (None, "Chicago (bibliography)", "Brinton, Maurice. *The Bolsheviks and Workers'"),
        ("chicago", "Chicago (bibliography)", "Brinton, Maurice. *The Bolsheviks and Workers'"),
        ("chicago-note", "Chicago (note)", "Maurice Brinton, *The Bolsheviks and Workers'"),
        ("mla", "MLA", "Brinton, Maurice. *The Bolsheviks and Workers' Control"),
    ]:
        options = {"reading": "brinton-1970"} | ({"style": style} if style else {})
        reply = await double.slash(server.guild, server.member, "source cite", options)
        assert not reply.ephemeral
        assert_fits(reply)
        citation = await bot.services.library.cite(
            server.guild.id, "brinton-1970", style or "chicago"
        )
        assert citation.startswith(expected), style
        assert reply.content == f"{citation}\n-# {label} style"


async def test_cite_bad_readings(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    for reading, message in [
        ("Nobody's Book Of Nothing", "No reading matches"),
        ("McKay", "matches several readings"),
    ]:
        reply = await double.slash(server.guild, server.member, "source cite", reading=reading)
        assert reply.ephemeral, reading
        assert message in reply.content, reading


async def test_cite_a_servers_own_reading_never_pings(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await bot.services.library.add_reading(
        server.guild.id, server.organiser.id, "@everyone read this", f"<@{server.member.id}>", 2020
    )
    reply = await double.slash(
        server.guild, server.member, "source cite", reading="everyone-read-this"
    )
    assert "@everyone" in reply.content
    assert mentions_allowed(double, reply) == [{"parse": []}]


async def test_reading_autocomplete_for_cite(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    choices = await double.autocomplete(
        server.guild, server.member, "source cite", "reading", "piriani"
    )
    assert choices[0]["value"] == "pirani-2008"
    assert_choices(choices)


# -- add (modal) ------------------------------------------------------------------------------
# An author the pack does not have, so that what this server added is all that can show it.
EXCERPT = {
    "author": "Ada Quillfeather",
    "work": "Club notes on Kronstadt",
    "date": "2024",
    "text": "Kronstadt broke the last thread that held me to the Bolsheviki. @everyone",
}


async def test_organiser_adds_an_excerpt_seen_only_in_their_server(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    form = await double.slash(server.guild, server.organiser, "source add")
    assert form.type == "modal"
    assert len(form.modal["title"]) <= 45
    added = await double.submit_modal(server.guild, server.organiser, form, EXCERPT)
    assert added.ephemeral
    assert "Added excerpt `g" in added.content
    assert mentions_allowed(double, added) == [{"parse": []}]

    here = await double.slash(server.guild, server.member, "source search", query="Quillfeather")
    assert "Ada Quillfeather" in here.text
    assert "*Club notes on Kronstadt* (2024)" in here.text
    quote = await double.slash(server.guild, server.member, "source quote", author="quill")
    assert "last thread" in quote.text
    names = await double.autocomplete(
        server.guild, server.member, "source quote", "author", "quill"
    )
    assert names[0]["value"] == "Ada Quillfeather"

    there = await double.slash(
        other_server.guild, other_server.member, "source search", query="Quillfeather"
    )
    assert "Ada Quillfeather" not in there.text
    assert there.ephemeral  # nothing to show there
    quote_there = await double.slash(
        other_server.guild, other_server.member, "source quote", author="Ada Quillfeather"
    )
    assert quote_there.ephemeral
    assert "No excerpts" in quote_there.content
    names_there = await double.autocomplete(
        other_server.guild, other_server.member, "source quote", "author", "ada m"
    )
    assert "Ada Quillfeather" not in [c["value"] for c in names_there]


async def test_add_with_a_reading_prefills_and_links_it(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    form = await double.slash(server.guild, server.organiser, "source add", reading="Serge")
    assert "serge-kronstadt-21" in form.text
    await double.submit_modal(server.guild, server.organiser, form, EXCERPT)
    quotes = await bot.services.library.quotes(server.guild.id)
    assert quotes[-1].reading_id == "serge-kronstadt-21"
    choices = await double.autocomplete(
        server.guild, server.organiser, "source add", "reading", "serge"
    )
    assert choices[0]["value"] == "serge-kronstadt-21"


async def test_add_with_an_unknown_reading_is_refused_before_the_form(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(
        server.guild, server.organiser, "source add", reading="Nonexistent Tome"
    )
    assert reply.type == "message"
    assert reply.ephemeral
    assert "No reading matches" in reply.content


async def test_bad_excerpts_change_nothing(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    for values, message in [
        ({**EXCERPT, "text": "too short"}, "too short"),
        ({**EXCERPT, "author": "   "}, "needs its author"),
        ({**EXCERPT, "reading": "Nonexistent Tome"}, "No reading matches"),
    ]:
        form = await double.slash(server.guild, server.organiser, "source add")
        reply = await double.submit_modal(server.guild, server.organiser, form, values)
        assert reply.ephemeral
        assert message in reply.content
    assert len(await bot.services.library.quotes(server.guild.id)) == len(bot.content.excerpts)


async def test_a_plain_member_cannot_add_excerpts(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await assert_form_is_organisers_only(double, server, "source add", EXCERPT)
    assert len(await bot.services.library.quotes(server.guild.id)) == len(bot.content.excerpts)
