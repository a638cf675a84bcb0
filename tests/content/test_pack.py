"""The shipped content pack is valid and says what the issue promises."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.library.loader import check_command, load_pack
from bot.library.text import normalise_key

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def pack():
    return load_pack(CONTENT)


def test_check_command_accepts_the_shipped_pack(capsys) -> None:
    assert check_command(CONTENT) == 0
    assert "10 readings" in capsys.readouterr().out


def test_ten_readings_with_unique_ids_and_required_facts(pack) -> None:
    assert len(pack.readings) == 10
    ids = [r.id for r in pack.readings]
    assert len(set(ids)) == len(ids)
    for reading in pack.readings:
        assert reading.people, reading.id
        assert 2 <= len(re.findall(r"[.!?](?:\s|$)", reading.summary)) <= 4, reading.id
        assert reading.length is not None, reading.id
        assert reading.length.approximate, reading.id
        assert reading.week is not None, reading.id
        assert 2 <= len(reading.prompts) <= 3, reading.id
    assert sorted(r.week for r in pack.readings) == list(range(1, 11))


def test_corrected_facts_and_seed_spellings_kept_as_aliases(pack) -> None:
    pirani = pack.reading("pirani-2008")
    assert pirani.authors[0].name == "Simon Pirani"
    assert (pirani.publisher, pirani.year) == ("Routledge", 2008)
    assert "Piriani" in pirani.aliases
    assert "Anarchpac" in pack.reading("anarchopac-2019").aliases
    assert pack.reading("anarchopac-2019").authors[0].name == "Anarchopac"
    for reading_id, year in (("mckay-2018", 2018), ("mckay-2020", 2020)):
        mckay = pack.reading(reading_id)
        assert mckay.authors[0].name == "Iain McKay"
        assert mckay.year == year
        assert f"Mckay {year}" in mckay.aliases
    # the seed's "Mckay" spelling still lands on the author
    assert pack.find_author("Mckay") == "Iain McKay"
    bloodstained = pack.reading("bloodstained-2017")
    assert bloodstained.editors[0].name == "Friends of Aron Baron"
    assert (bloodstained.publisher, bloodstained.year) == ("AK Press", 2017)
    assert pack.reading("brinton-1970").publisher == "Solidarity"
    assert pack.reading("jones-1984").year == 1984


def test_no_alias_names_two_readings(pack) -> None:
    owners: dict[str, str] = {}
    for reading in pack.readings:
        for alias in {normalise_key(a) for a in reading.aliases}:
            assert owners.setdefault(alias, reading.id) == reading.id, alias


def test_mckay_essay_first_appeared_in_bloodstained(pack) -> None:
    essay = pack.reading("mckay-2018")
    assert essay.year == 2018  # the online text
    assert "2017" in essay.first_published
    assert "Bloodstained" in essay.first_published
    assert essay.part_of == "bloodstained-2017"
    assert pack.reading(essay.part_of).week == 10
    assert essay.week == 4
    assert "week-10" in essay.where or "week 10" in essay.note


def test_bloodstained_is_about_250_pages(pack) -> None:
    length = pack.reading("bloodstained-2017").length
    assert (length.value, length.unit, length.approximate) == (250, "pages", True)


def test_maximoff_gives_only_what_is_sourced(pack) -> None:
    maximoff = pack.reading("maximoff-1917")
    assert maximoff.year == 1917
    assert maximoff.date is None  # "December 1917" is unverified
    assert maximoff.container is None  # so is first publication in Golos Truda
    assert "has been verified" in maximoff.note
    assert "neither" in maximoff.note
    assert "temporarily" in maximoff.summary
    assert "organs of state power" in maximoff.summary
    assert "temporarily" in pack.excerpt("maximoff-joined-ranks-temporarily").text


def test_serge_is_the_politics_text_reprinted_by_solidarity(pack) -> None:
    serge = pack.reading("serge-kronstadt-21")
    assert (serge.kind, serge.publisher, serge.year) == ("book", "Solidarity", 1961)
    assert serge.container is None  # no invented chapter
    assert serge.translator is None  # not Sedgwick
    assert "Politics" in serge.first_published
    assert "1945" in serge.first_published
    assert "Sedgwick" in serge.note  # says which translation it is not
    excerpt = pack.excerpt("serge-kronstadt-prisoners")
    assert excerpt.reading == serge.id
    assert excerpt.work == "Kronstadt '21"
    assert excerpt.translator is None
    assert "Politics" in excerpt.edition
    assert "Solidarity" in excerpt.edition
    assert "1961" in excerpt.edition
    assert "Sedgwick" not in (excerpt.edition or "") + (excerpt.locator or "")


def test_every_excerpt_is_attributed_and_traceable(pack) -> None:
    assert len(pack.excerpts) >= 30
    for excerpt in pack.excerpts:
        assert excerpt.author, excerpt.id
        assert excerpt.work, excerpt.id
        assert excerpt.date, excerpt.id
        assert excerpt.locator, excerpt.id
        assert excerpt.url, excerpt.id
        assert excerpt.url.startswith(("https://", "http://")), excerpt.id
        assert excerpt.verbatim_note, excerpt.id
        # omissions are marked with […], never with a bare ellipsis of the editor's own
        assert "[...]" not in excerpt.text, excerpt.id
        if "[…]" in excerpt.text:
            assert "omit" in excerpt.verbatim_note, excerpt.id


def test_only_the_seed_serge_passage_is_unverified(pack) -> None:
    unverified = [e.id for e in pack.excerpts if not e.verified]
    assert unverified == ["serge-kronstadt-prisoners"]


def test_at_least_three_quotations_per_author_with_a_public_text(pack) -> None:
    counts = Counter(e.author for e in pack.excerpts)
    for author in (
        "Alexander Berkman",
        "Emma Goldman",
        "Peter Kropotkin",
        "Errico Malatesta",
        "Leon Trotsky",
        "G. P. Maximoff",
        "Voline",
        "Izvestia of the Provisional Revolutionary Committee",
    ):
        assert counts[author] >= 3, author
    works = Counter(e.work for e in pack.excerpts if e.author == "Alexander Berkman")
    assert works["The Kronstadt Rebellion"] >= 3
    assert works["The Bolshevik Myth (Diary 1920–22)"] >= 1


def test_translated_excerpts_name_their_translator(pack) -> None:
    for excerpt_id in (
        "trotsky-workers-opposition",
        "malatesta-fabbri-1919",
        "kropotkin-lenin-hostages",
        "izvestia-kursanti",
    ):
        assert pack.excerpt(excerpt_id).translator, excerpt_id


def test_trotsky_is_a_published_translation_not_the_reading_list_wording(pack) -> None:
    trotsky = pack.excerpt("trotsky-workers-opposition")
    assert trotsky.translator == "Samuel Farber"
    assert "Before Stalinism" in trotsky.edition
    assert "p. 209" in trotsky.edition
    assert "revolutionary birthright of the party" in trotsky.text
    assert "temporary wavering even in the working classes" in trotsky.text
    # the reading list's condensed wording is not passed off as a quotation
    assert "wavering even in the class…." not in trotsky.text
    assert "reading list" in trotsky.verbatim_note
    assert "March 1921" in trotsky.date


def test_malatesta_has_translator_and_first_publication(pack) -> None:
    malatesta = pack.excerpt("malatesta-fabbri-1919")
    assert malatesta.work == "Letter to Luigi Fabbri"
    assert malatesta.date == "30 July 1919"
    assert malatesta.translator == "Paul Sharkey"
    assert "Volontà" in malatesta.first_published
    assert "16 August 1919" in malatesta.first_published
    assert "dictatorship of one party" in malatesta.text


def test_resolution_has_exactly_fifteen_points_numbered_in_order(pack) -> None:
    points = pack.resolution.points
    assert [p.number for p in points] == list(range(1, 16))
    for point in points:
        assert len(point.gist) <= 90
        assert point.text
        assert point.note


def test_resolution_substance_of_first_and_last_points(pack) -> None:
    first, last = pack.point(1).text.lower(), pack.point(15).text.lower()
    assert "secret ballot" in first
    assert "election" in first
    assert "freely" in first
    # point 1 carries its own justifying clause; the preamble does not
    assert "do not express the will of the workers and peasants" in first
    assert "express the will" not in pack.resolution.preamble
    assert "artisan" in last
    assert "own labour" in last
    assert "anarchists" in pack.point(2).text
    assert "10 March 1921" in pack.point(4).text
    assert "without hired labour" in pack.point(11).text


def test_context_explains_the_14_point_discrepancy(pack) -> None:
    context = pack.resolution.context
    assert "14 point list" in context
    assert "list of 14 demands" in context  # the reading list's other phrase is answered too
    assert "15 numbered points" in context
    assert "every published translation" not in context  # the translations are named instead
    assert "Petrichenko" in context
    assert "Kalinin" in context


def test_resolution_says_which_body_did_what_on_which_day(pack) -> None:
    first, second = pack.resolution.adopted
    assert (first.date, second.date) == ("1921-02-28", "1921-03-01")
    assert "Petropavlovsk" in first.place
    assert "crew of the battleship Petropavlovsk" in first.body
    assert "general meeting of the crews of the 1st and 2nd squadrons" in second.body.lower()
    assert "ships of the line" in second.body
    assert "Anchor Square" in second.place
    aliases = pack.resolution.aliases + pack.reading("kronstadt-resolution-1921").aliases
    assert "Resolution of the General Meeting of the Crews of the Ships of the Line" in aliases


def test_resolution_names_its_translations(pack) -> None:
    translations = " ".join(pack.resolution.translations)
    for name in ("Berkman", "Goldman", "Mett"):
        assert name in translations
    assert len(pack.resolution.translations) >= 3


def test_timeline_dates_and_references(pack) -> None:
    assert len(pack.events) >= 45
    years = {e.year for e in pack.events}
    assert min(years) == 1917
    assert max(years) == 1927
    assert set(range(1917, 1926)) <= years
    ids = {r.id for r in pack.readings}
    for event in pack.events:
        assert set(event.readings) <= ids
        if event.end_date:
            assert event.end_date > event.date, event.id
    dates = {e.id: e.date for e in pack.events}
    assert dates["kronstadt-suppressed"] == "1921-03-18"
    assert dates["malatesta-letter"] == "1919-07-30"
    assert dates["kropotkin-death"] == "1921-02-08"
    assert dates["revolutionary-committee"] == "1921-03-02"
    assert dates["first-assault"] == "1921-03-07"
    assert dates["makhno-last-campaign"].startswith("1921-08")
    assert dates["berkman-goldman-leave"].startswith("1921-12")


def test_events_before_the_calendar_change_carry_their_old_style_date(pack) -> None:
    for event in pack.events:
        if event.date < "1918-02-14" and event.precision != "year":
            assert event.old_style, event.id
        if event.date >= "1918-02-15":
            assert event.old_style is None, event.id
    by_id = {e.id: e for e in pack.events}
    assert by_id["cheka-founded"].old_style == "7 December 1917"
    assert by_id["constituent-assembly-dispersed"].old_style == "6 January 1918"
    assert by_id["october-revolution"].old_style == "25 October 1917"
