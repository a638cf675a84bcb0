"""Chicago (notes-bibliography) and MLA 9 citations for readings, as plain strings.

Italics are ``*...*`` (Discord markdown). The output depends only on the reading's data, so the
same reading always cites the same way.
"""

from __future__ import annotations

from typing import Literal

from bot.errors import UserError
from bot.library.schemas import Person, Reading
from bot.library.text import normalise_key

Style = Literal["chicago-note", "chicago", "mla"]
STYLES: dict[str, Style] = {
    "chicago": "chicago",
    "chicago-bibliography": "chicago",
    "chicago-note": "chicago-note",
    "note": "chicago-note",
    "mla": "mla",
}
_MONTHS = "January February March April May June July August September October November December"
MONTHS = _MONTHS.split()
MLA_MONTHS = [
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]


def _names(people: list[Person], invert_first: bool) -> str:
    names = [p.inverted if (invert_first and i == 0) else p.name for i, p in enumerate(people)]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]}, and {names[1]}" if invert_first else f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _mla_names(people: list[Person]) -> str:
    if len(people) >= 3:
        return f"{people[0].inverted}, et al"
    return _names(people, invert_first=True)


_CLOSERS = "*”’\"')"


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` already ends in '.', '?' or '!', looking inside closing italics and
    quotation marks (``*What Is to Be Done?*``)."""
    return text.rstrip(_CLOSERS).endswith((".", "?", "!"))


def _end(text: str) -> str:
    """End a bibliography element with one period (no doubling after '?', '!' or '.')."""
    return text if _ends_sentence(text) else text + "."


def _comma(title: str) -> str:
    """A quoted title followed by a comma: “Title,” — but “Why?” keeps its own mark."""
    return f"“{title}”" if _ends_sentence(title) else f"“{title},”"


def _author_in_title(reading: Reading) -> bool:
    """A corporate author already named by the title (the crews in their own resolution):
    Chicago then starts the entry with the title instead of repeating the name."""
    people = reading.authors or reading.editors
    if not people or not all(p.corporate for p in people):
        return False
    title = normalise_key(reading.full_title)
    return all(normalise_key(p.name) in title for p in people)


def _origin(reading: Reading, parent: Reading | None, mla: bool) -> str:
    """``Originally published in ...``: the book a reading is part of, or its first appearance."""
    if parent is not None:
        people = parent.authors or parent.editors
        role = "" if parent.authors else "edited by "
        who = f", {role}{_names(people, invert_first=False)}" if people else ""
        if mla:
            publisher = f", {parent.publisher}" if parent.publisher else ""
            return f"Originally published in *{parent.full_title}*{who}{publisher}, {parent.year}"
        return f"Originally published in *{parent.full_title}*{who} ({_publication(parent)})"
    if reading.first_published:
        return f"Originally published in {reading.first_published}"
    return ""


def _date_words(reading: Reading, mla: bool) -> str:
    """``28 February 1921`` / ``December 1917`` / ``1970`` from the reading's (partial) date."""
    if not reading.date:
        return str(reading.year)
    parts = reading.date.split("-")
    year = parts[0]
    if len(parts) == 1:
        return year
    month = (MLA_MONTHS if mla else MONTHS)[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {year}"
    return f"{int(parts[2])} {month} {year}"


def _publication(reading: Reading) -> str:
    """``London: Routledge, 2008`` (Chicago facts of publication)."""
    pieces = ""
    if reading.place and reading.publisher:
        pieces = f"{reading.place}: {reading.publisher}, "
    elif reading.publisher:
        pieces = f"{reading.publisher}, "
    elif reading.place:
        pieces = f"{reading.place}, "
    return f"{pieces}{_date_words(reading, mla=False)}"


def _url(reading: Reading, mla: bool) -> str:
    if not reading.url:
        return ""
    if mla:
        return reading.url.removeprefix("https://").removeprefix("http://").rstrip("/")
    return reading.url


def _who(reading: Reading, invert_first: bool, mla_style: bool = False) -> str:
    people = reading.authors or reading.editors
    who = _mla_names(people) if mla_style else _names(people, invert_first=invert_first)
    if not reading.authors:
        if mla_style:
            who += ", editors" if len(people) > 1 else ", editor"
        else:
            who += ", eds." if len(people) > 1 else ", ed."
    return who


def chicago_bibliography(reading: Reading, parent: Reading | None = None) -> str:
    title = reading.full_title
    kind = reading.kind
    if kind in ("book", "anthology"):
        parts = [_end(f"*{title}*"), _end(_publication(reading))]
    elif kind == "chapter":
        translator = f", translated by {reading.translator}" if reading.translator else ""
        parts = [
            f"“{_end(title)}”",
            _end(f"In *{reading.container}*{translator}"),
            _end(_publication(reading)),
        ]
    elif kind == "article":
        parts = [f"“{_end(title)}”", _end(f"*{reading.container}*, {_date_words(reading, False)}")]
    elif kind == "online":
        parts = [f"“{_end(title)}”", _end(f"{reading.container}, {_date_words(reading, False)}")]
    else:  # document
        place = f"{reading.place}, " if reading.place else ""
        parts = [f"“{_end(title)}”", _end(f"{place}{_date_words(reading, False)}")]
    if not _author_in_title(reading):
        parts.insert(0, _end(_who(reading, invert_first=True)))
    if origin := _origin(reading, parent, mla=False):
        parts.append(_end(origin))
    if reading.url:
        parts.append(_end(_url(reading, mla=False)))
    return " ".join(parts)


def chicago_note(reading: Reading, parent: Reading | None = None) -> str:
    title = reading.full_title
    kind = reading.kind
    if kind in ("book", "anthology"):
        text = f"*{title}* ({_publication(reading)})"
    elif kind == "chapter":
        translator = f", trans. {reading.translator}" if reading.translator else ""
        text = f"{_comma(title)} in *{reading.container}*{translator} ({_publication(reading)})"
    elif kind == "article":
        text = f"{_comma(title)} *{reading.container}*, {_date_words(reading, False)}"
    elif kind == "online":
        text = f"{_comma(title)} {reading.container}, {_date_words(reading, False)}"
    else:
        place = f"{reading.place}, " if reading.place else ""
        text = f"“{title}” ({place}{_date_words(reading, False)})"
    if not _author_in_title(reading):
        text = f"{_who(reading, invert_first=False)}, {text}"
    if origin := _origin(reading, parent, mla=False):
        text += f"; {origin[0].lower()}{origin[1:]}"
    if reading.url:
        text += f", {reading.url}"
    return _end(text)


def mla(reading: Reading, parent: Reading | None = None) -> str:
    who = _who(reading, invert_first=True, mla_style=True)
    title = reading.full_title
    kind = reading.kind
    url = _url(reading, mla=True)
    tail = f", {url}" if url else ""
    if kind in ("book", "anthology"):
        publisher = f"{reading.publisher}, " if reading.publisher else ""
        parts = [
            _end(who),
            _end(f"*{title}*"),
            _end(f"{publisher}{_date_words(reading, True)}{tail}"),
        ]
    elif kind == "chapter":
        translator = f", translated by {reading.translator}" if reading.translator else ""
        publisher = f", {reading.publisher}" if reading.publisher else ""
        parts = [
            _end(who),
            f"“{_end(title)}”",
            _end(
                f"*{reading.container}*{translator}{publisher}, {_date_words(reading, True)}{tail}"
            ),
        ]
    elif kind in ("article", "online"):
        parts = [
            _end(who),
            f"“{_end(title)}”",
            _end(f"*{reading.container}*, {_date_words(reading, True)}{tail}"),
        ]
    else:
        place = f", {reading.place}" if reading.place else ""
        parts = [_end(who), f"“{_end(title)}”", _end(f"{_date_words(reading, True)}{place}{tail}")]
    if origin := _origin(reading, parent, mla=True):
        parts.append(_end(origin))
    return " ".join(parts)


def cite(reading: Reading, style: str = "chicago", parent: Reading | None = None) -> str:
    """Cite ``reading`` in ``style`` (chicago = bibliography entry, chicago-note, mla);
    ``parent`` is the book it is printed in (its ``part_of``), cited as where it first appeared."""
    key = STYLES.get(style.strip().lower())
    if key is None:
        raise UserError(
            f"Unknown citation style {style!r}. Choose one of: chicago, chicago-note, mla."
        )
    if key == "mla":
        return mla(reading, parent)
    if key == "chicago-note":
        return chicago_note(reading, parent)
    return chicago_bibliography(reading, parent)
