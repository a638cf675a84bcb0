"""Chicago and MLA citations: exact strings for each kind of reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import UserError
from bot.library.citations import chicago_bibliography, chicago_note, cite, mla
from bot.library.loader import load_pack
from bot.library.schemas import Person, Reading

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def pack():
    return load_pack(CONTENT)


def test_book(pack) -> None:
    pirani = pack.reading("pirani-2008")
    title = (
        "*The Russian Revolution in Retreat, 1920–24: Soviet Workers and the New Communist Elite*"
    )
    assert chicago_bibliography(pirani) == f"Pirani, Simon. {title}. London: Routledge, 2008."
    assert chicago_note(pirani) == f"Simon Pirani, {title} (London: Routledge, 2008)."
    assert mla(pirani) == f"Pirani, Simon. {title}. Routledge, 2008."


def test_edited_anthology_with_url(pack) -> None:
    book = pack.reading("bloodstained-2017")
    assert cite(book, "chicago") == (
        "Friends of Aron Baron, ed. *Bloodstained: One Hundred Years of Leninist "
        "Counterrevolution*. Chico, CA: AK Press, 2017. https://www.akpress.org/bloodstained.html."
    )
    assert cite(book, "MLA") == (
        "Friends of Aron Baron, editor. *Bloodstained: One Hundred Years of Leninist "
        "Counterrevolution*. AK Press, 2017, www.akpress.org/bloodstained.html."
    )


def test_document_known_only_to_the_year(pack) -> None:
    # The reading list's "December 1917" and "Golos Truda" are unverified, so neither is cited.
    article = pack.reading("maximoff-1917")
    url = "http://www.fondation-besnard.org/spip.php?article342"
    assert chicago_bibliography(article) == (
        f"Maximoff, G. P. “The Soviet of Workers', Soldiers' and Peasants' Deputies.” 1917. {url}."
    )
    assert "Golos Truda" not in mla(article)
    assert "Dec" not in mla(article)


def test_pamphlet_with_publisher_and_no_invented_chapter(pack) -> None:
    serge = pack.reading("serge-kronstadt-21")
    url = "https://www.marxists.org/archive/serge/1945/memoirs/ch04x.htm"
    assert chicago_bibliography(serge) == (
        f"Serge, Victor. *Kronstadt '21*. London: Solidarity, 1961. "
        f"Originally published in Politics (New York), 1945. {url}."
    )
    assert mla(serge) == (
        "Serge, Victor. *Kronstadt '21*. Solidarity, 1961, "
        "www.marxists.org/archive/serge/1945/memoirs/ch04x.htm. "
        "Originally published in Politics (New York), 1945."
    )
    for text in (chicago_bibliography(serge), chicago_note(serge), mla(serge)):
        assert "Sedgwick" not in text
        assert "Memoirs" not in text


def test_online_essay_and_the_resolution(pack) -> None:
    assert mla(pack.reading("mckay-2020")) == (
        "McKay, Iain. “The Trotskyist School of Falsification.” *Anarchist Writers*, 2020."
    )
    resolution = pack.reading("kronstadt-resolution-1921")
    assert chicago_bibliography(resolution).endswith("” Kronstadt, 1 March 1921.")
    assert mla(resolution).endswith("” 1 Mar. 1921, Kronstadt.")


def test_multiple_authors_and_deterministic_output() -> None:
    reading = Reading.model_validate(
        {
            "id": "x",
            "kind": "book",
            "title": "A Title",
            "year": 2001,
            "publisher": "Pub",
            "authors": [{"name": "Ann Smith"}, {"name": "Bob Jones"}, {"name": "Cy Young"}],
            "summary": "A summary that is long enough to pass validation.",
        }
    )
    assert (
        chicago_bibliography(reading)
        == "Smith, Ann, Bob Jones, and Cy Young. *A Title*. Pub, 2001."
    )
    assert mla(reading) == "Smith, Ann, et al. *A Title*. Pub, 2001."
    assert cite(reading, "mla") == cite(reading, "mla")
    assert Person(name="Iain McKay").inverted == "McKay, Iain"


def test_unknown_style(pack) -> None:
    with pytest.raises(UserError, match="chicago, chicago-note, mla"):
        cite(pack.reading("pirani-2008"), "apa")


def test_a_corporate_author_named_in_the_title_is_not_repeated(pack) -> None:
    resolution = pack.reading("kronstadt-resolution-1921")
    title = (
        "Resolution of the General Meeting of the Crews of the 1st and 2nd Squadrons of the "
        "Baltic Fleet"
    )
    assert chicago_bibliography(resolution) == f"“{title}.” Kronstadt, 1 March 1921."
    assert chicago_note(resolution) == f"“{title}” (Kronstadt, 1 March 1921)."
    # A corporate author the title does not name still leads the entry.
    anthology = pack.reading("bloodstained-2017")
    assert chicago_bibliography(anthology).startswith("Friends of Aron Baron, ed. *Bloodstained")


def _reading(**changes: object) -> Reading:
    base: dict[str, object] = {
        "id": "lenin-1902",
        "kind": "book",
        "title": "What Is to Be Done?",
        "authors": [Person(name="V. I. Lenin", sort_name="Lenin, V. I.")],
        "year": 1902,
        "publisher": "Dietz",
        "place": "Stuttgart",
        "summary": "A pamphlet on the organisation of a party of professional revolutionaries.",
    }
    return Reading.model_validate({**base, **changes})


def test_a_title_ending_in_a_question_or_exclamation_mark_gets_no_extra_full_stop() -> None:
    book = _reading()
    assert chicago_bibliography(book) == (
        "Lenin, V. I. *What Is to Be Done?* Stuttgart: Dietz, 1902."
    )
    assert mla(book) == "Lenin, V. I. *What Is to Be Done?* Dietz, 1902."
    article = _reading(kind="online", title="Down with the Dictatorship!", container="Site")
    assert chicago_bibliography(article) == (
        "Lenin, V. I. “Down with the Dictatorship!” Site, 1902."
    )
    # In a note the mark stands in for the comma.
    assert chicago_note(article) == "V. I. Lenin, “Down with the Dictatorship!” Site, 1902."
    for text in (chicago_bibliography(book), chicago_note(book), mla(book)):
        assert "?." not in text
        assert "?*." not in text


def test_an_essay_printed_inside_a_book_of_the_pack_cites_where_it_first_appeared(pack) -> None:
    essay = pack.reading("mckay-2018")
    book = pack.reading(essay.part_of)
    assert book is not None
    assert book.id == "bloodstained-2017"
    origin = (
        "*Bloodstained: One Hundred Years of Leninist Counterrevolution*, edited by Friends of "
        "Aron Baron"
    )
    assert cite(essay, "chicago", book) == (
        "McKay, Iain. “The State and Revolution: Theory and Practice.” Anarchist Writers, 2018. "
        f"Originally published in {origin} (Chico, CA: AK Press, 2017)."
    )
    assert cite(essay, "chicago-note", book) == (
        "Iain McKay, “The State and Revolution: Theory and Practice,” Anarchist Writers, 2018; "
        f"originally published in {origin} (Chico, CA: AK Press, 2017)."
    )
    assert cite(essay, "mla", book) == (
        "McKay, Iain. “The State and Revolution: Theory and Practice.” *Anarchist Writers*, 2018. "
        f"Originally published in {origin}, AK Press, 2017."
    )
