"""The shipped content pack is valid and says what the issue promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.library.loader import check_command, load_pack

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
        assert "Mckay" in mckay.aliases
    bloodstained = pack.reading("bloodstained-2017")
    assert bloodstained.editors[0].name == "Friends of Aron Baron"
    assert (bloodstained.publisher, bloodstained.year) == ("AK Press", 2017)
    assert pack.reading("brinton-1970").publisher == "Solidarity"
    assert pack.reading("jones-1984").year == 1984
    assert pack.reading("maximoff-1917").date == "1917-12"
    assert pack.reading("serge-kronstadt-21").container == "Memoirs of a Revolutionary"


def test_every_excerpt_is_attributed(pack) -> None:
    assert len(pack.excerpts) == 3
    by_author = {e.author: e for e in pack.excerpts}
    assert set(by_author) == {"Victor Serge", "Leon Trotsky", "Errico Malatesta"}
    for excerpt in pack.excerpts:
        assert excerpt.author
        assert excerpt.work
        assert excerpt.date
    assert by_author["Errico Malatesta"].date == "30 July 1919"
    assert by_author["Errico Malatesta"].work == "Letter to Luigi Fabbri"
    assert "March 1921" in by_author["Leon Trotsky"].date
    assert by_author["Victor Serge"].work == "Memoirs of a Revolutionary"
    assert by_author["Victor Serge"].reading == "serge-kronstadt-21"
    # verbatim seed wording
    assert "Long live the World Revolution!" in by_author["Victor Serge"].text
    assert "revolutionary birthright of the party" in by_author["Leon Trotsky"].text
    assert "General Bonaparte" in by_author["Errico Malatesta"].text


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
    assert "artisan" in last
    assert "own labour" in last
    assert "anarchists" in pack.point(2).text
    assert "10 March 1921" in pack.point(4).text
    assert "without hired labour" in pack.point(11).text


def test_context_explains_the_14_point_discrepancy(pack) -> None:
    context = pack.resolution.context
    assert "14 point list" in context
    assert "15 numbered points" in context
    assert "Petrichenko" in context
    assert "Kalinin" in context
    assert [a.date for a in pack.resolution.adopted] == ["1921-02-28", "1921-03-01"]


def test_timeline_dates_and_references(pack) -> None:
    assert 15 <= len(pack.events) <= 25
    years = {e.year for e in pack.events}
    assert min(years) == 1917
    assert max(years) == 1927
    ids = {r.id for r in pack.readings}
    for event in pack.events:
        assert set(event.readings) <= ids
    dates = {e.id: e.date for e in pack.events}
    assert dates["kronstadt-suppressed"] == "1921-03-18"
    assert dates["malatesta-letter"] == "1919-07-30"
    assert dates["kropotkin-death"] == "1921-02-08"
