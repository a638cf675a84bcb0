"""The library embeds stay inside Discord's limits for the largest content a pack or an
organiser can supply, and never drop content silently."""

from __future__ import annotations

from datetime import date

import discord

from bot.library.records import Quote, ReadingCard, Syllabus, SyllabusWeek
from bot.library.schemas import Adoption, Event, Point, Resolution
from bot.library.search import Citation, Hit
from bot.ui import embeds, history, limits
from bot.ui import library as cards


def assert_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert 0 < len(field.name or "") <= limits.EMBED_FIELD_NAME
        assert 0 < len(field.value or "") <= limits.EMBED_FIELD_VALUE
    assert len(embed.footer.text or "") <= limits.EMBED_FOOTER
    assert len(embed.author.name or "") <= limits.EMBED_AUTHOR
    assert len(embed) <= limits.EMBED_TOTAL


def huge_resolution(points: int = 30) -> Resolution:
    return Resolution(
        id="big",
        title="T" * 300,
        adopted=[Adoption(date="1921-03-01", place="P" * 300, body="B" * 300)] * 5,
        chair="C" * 200,
        preamble="word " * 400,
        points=[
            Point(number=n, gist=f"{n} " + "g" * 85, text="t " * 500, note="n " * 500)
            for n in range(1, points + 1)
        ],
        context="context " * 500,
    )


def test_partial_dates() -> None:
    assert cards.partial_date("1921-03-01") == "1 March 1921"
    assert cards.partial_date("1917-12") == "December 1917"
    assert cards.partial_date("1917") == "1917"
    assert cards.partial_date("1917-13") == "1917-13"
    assert cards.partial_date("30 July 1919") == "30 July 1919"
    assert cards.day(date(2026, 3, 2)) == "Mon 2 March 2026"


def test_the_largest_resolution_fits_and_keeps_every_point() -> None:
    resolution = huge_resolution()
    pages = history.resolution_pages(resolution)
    for embed in pages:
        assert_fits(embed)
    text = "\n".join(e.description or "" for e in pages)
    for point in resolution.points:
        assert f"**{point.number}. {point.gist}**" in text
    assert text.count("*Context:*") == 30
    for point in resolution.points:
        assert_fits(history.point_embed(resolution, point))


def test_blocks_and_fields_never_overflow() -> None:
    pages = embeds.pack_blocks(["x" * 10_000, "short", "y " * 3000], per_page=3)
    assert all(len(p) <= embeds.PAGE_CHARS for p in pages)
    assert "short" in "".join(pages)
    groups = embeds.pack_fields([("n" * 300, "v" * 2000)] * 12, per_page=5)
    assert sum(len(g) for g in groups) == 12
    for group in groups:
        assert sum(len(n) + len(v) for n, v in group) <= embeds.FIELDS_BUDGET


def test_search_pages_with_the_longest_hits_fit() -> None:
    hit = Hit(
        kind="excerpt",
        ref="g1",
        title="A" * 600,
        snippet="**word** " * 200,
        citation=Citation("A" * 200, "W" * 300, "D" * 64),
        score=1.0,
        guild_id=1,
    )
    pages = cards.search_pages([hit] * 50, "q" * 200)
    assert sum(len(e.fields) for e in pages) == 50
    for embed in pages:
        assert_fits(embed)
        for field in embed.fields:
            assert (field.value or "").count("**") % 2 == 0  # no bold left open


def test_syllabus_and_current_week_with_huge_weeks_fit() -> None:
    card = ReadingCard(
        id="x",
        title="T" * 200,
        authors="A" * 300,
        year=2000,
        summary="S" * 1000,
        url="https://example.org/" + "u" * 480,
        where="W" * 2000,
        length="about 900 pages",
    )
    week = SyllabusWeek(3, "L" * 80, date(2026, 3, 2), (card,) * 60)
    syllabus = Syllabus((week,), (card,) * 60, current_week=3)
    pages, current = cards.syllabus_pages(syllabus, "R" * 300)
    assert current == 0
    for embed in pages:
        assert_fits(embed)
    assert sum((e.description or "").count("• *") for e in pages) == 120
    current_card = cards.current_embed(week, last_week=3)
    assert_fits(current_card)
    assert "more" in current_card.fields[-1].name
    assert_fits(
        cards.reading_embed(card, done=3, week_label="L" * 80, week_starts=date(2026, 3, 2))
    )


def test_quote_and_timeline_fit() -> None:
    quote = Quote("g1", "A" * 200, "W" * 300, "D" * 64, "x" * 4000, None, "server")
    assert_fits(cards.quote_embed(quote))
    event = Event(
        id="e", date="1921-03", precision="month", title="T" * 200, description="d " * 500
    )
    pages = history.timeline_pages([event] * 40, None, {})
    assert sum((e.description or "").count("**March 1921**") for e in pages) == 40
    for embed in pages:
        assert_fits(embed)


def test_choices_are_clipped_and_capped() -> None:
    choices = cards.choices([("n" * 300, str(k)) for k in range(40)], int)
    assert len(choices) == 25
    assert all(len(c.name) <= 100 and isinstance(c.value, int) for c in choices)
