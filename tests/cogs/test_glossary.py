"""/who end to end, and the glossary's links from /kronstadt, /timeline, /source search and
/source quote."""

from __future__ import annotations

from bot.client import StudyCircle
from bot.ui.history import event_heading
from discord_double import DiscordDouble
from tests.cogs.library_support import (
    NEXT,
    all_pages,
    assert_choices,
    assert_fits,
    page_texts,
)
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import Server


async def test_who_shows_the_entry_and_everything_that_discusses_it(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "who", name="Kozlovskii")
    assert not reply.ephemeral
    assert_fits(reply)
    entry = bot.content.glossary.get("kozlovsky")
    assert entry is not None
    text = reply.text
    assert entry.name in text
    assert "Person" in text
    assert entry.dates is not None
    assert entry.dates in text
    assert "Kozlovski, Kozlovskii" in text  # the other spellings
    assert " ".join(entry.summary.split())[:80] in " ".join(text.replace("┃", " ").split())
    assert "*Kronstadt '21* — Victor Serge" in text  # a reading, by title
    event = next(e for e in bot.content.events if e.id == "government-declares-mutiny")
    assert event.title in text  # a timeline event, with its date
    assert "2 March 1921" in text
    assert "excerpt `berkman-kronstadt-kozlovsky`" in text
    assert "`/who name:White plot charge`" in text  # see also
    assert assert_mentions_inert(double) >= 1


async def test_who_links_resolution_points_to_kronstadt(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "who", name="kursanty")
    point = bot.content.resolution.points[11]
    assert f"Point 12: {point.gist} · `/kronstadt point:12`" in reply.text


async def test_a_miss_is_private_and_names_the_closest_entries(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "who", name="Petrishenko the sailor")
    assert reply.ephemeral
    assert "no entry for 'Petrishenko the sailor'" in reply.content
    assert "Closest names:" in reply.content
    assert "Stepan Petrichenko" in reply.content
    pinging = await double.slash(server.guild, server.member, "who", name="@everyone <@&1>")
    assert pinging.ephemeral
    assert_mentions_inert(double)


async def test_who_autocomplete(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    choices = await double.autocomplete(server.guild, server.member, "who", "name", "tukh")
    assert_choices(choices)
    assert choices[0] == {"name": "Mikhail Tukhachevsky (person)", "value": "tukhachevsky"}
    every = await double.autocomplete(server.guild, server.member, "who", "name", "")
    assert len(every) == 25


async def test_a_point_names_its_glossary_terms(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "kronstadt", point=12)
    assert_fits(reply)
    assert "In the glossary" in reply.text
    assert "`/who kursanty`" in reply.text
    assert "`/who Red Army`" in reply.text
    following = await double.press(server.guild, server.member, reply, NEXT)
    glossary = bot.content.glossary
    for entry in glossary.for_point(13):
        assert entry.name.removeprefix("the ") in following.text


async def test_timeline_events_show_their_glossary_terms_and_old_style_dates(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "timeline", year=1917)
    text = page_texts(await all_pages(double, server.guild, server.member, reply))
    october = next(e for e in bot.content.events if e.id == "october-revolution")
    assert event_heading(october) in text
    assert "(Old Style 25 October 1917)" in text
    assert "Old Style: the Julian calendar" in text
    block = text[text.index(event_heading(october)) :].split("\n┃ **")[0]
    assert "👤 See `/who" in block
    assert any(
        f"`/who {e.name.removeprefix('the ')}`" in block
        for e in bot.content.glossary.for_event(october.id)
    )


async def test_search_finds_glossary_entries_by_alias(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "source search", query="Kozlovskii")
    assert "Alexander Kozlovsky" in reply.text
    assert "/who name:" in reply.text


async def test_quote_shows_where_the_words_come_from(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "source quote", author="Kropot")
    assert_fits(reply)
    quote = next(
        q
        for q in bot.content.excerpts
        if q.author == "Peter Kropotkin" and q.text[:40] in reply.text
    )
    assert quote.locator is not None
    assert f"**Where:** {quote.locator}" in reply.text
    assert "**Translated by** Martin A. Miller" in reply.text
    assert quote.edition is not None
    assert quote.edition.split()[0] in reply.text
    assert quote.url is not None
    assert quote.url in reply.text


async def test_an_unverified_excerpt_is_labelled(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    reply = await double.slash(server.guild, server.member, "source quote", author="serge")
    assert "Victor Serge" in reply.text
    assert "⚠ Unverified wording" in reply.text
    assert "unverified" in reply.text
    assert "has not yet been checked" in reply.text  # its verbatim note says why
