"""Chicago (notes-bibliography) and MLA 9 citations for readings, as plain strings.

Italics are ``*...*`` (Discord markdown). The output depends only on the reading's data, so the
same reading always cites the same way.
"""

from __future__ import annotations

from typing import Literal

from bot.errors import UserError
from bot.library.schemas import Person, Reading

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


def _end(text: str) -> str:
    """End a bibliography element with one period (no doubling after '?', '!' or '.')."""
    return text if text.endswith((".", "?", "!")) else text + "."


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


def chicago_bibliography(reading: Reading) -> str:
    people = reading.authors or reading.editors
    who = _names(people, invert_first=True)
    if not reading.authors:
        who += ", eds." if len(people) > 1 else ", ed."
    title = reading.full_title
    kind = reading.kind
    if kind in ("book", "anthology"):
        parts = [_end(who), _end(f"*{title}*"), _end(_publication(reading))]
    elif kind == "chapter":
        translator = f", translated by {reading.translator}" if reading.translator else ""
        parts = [
            _end(who),
            f"“{_end(title)}”",
            _end(f"In *{reading.container}*{translator}"),
            _end(_publication(reading)),
        ]
    elif kind == "article":
        parts = [
            _end(who),
            f"“{_end(title)}”",
            _end(f"*{reading.container}*, {_date_words(reading, False)}"),
        ]
    elif kind == "online":
        parts = [
            _end(who),
            f"“{_end(title)}”",
            _end(f"{reading.container}, {_date_words(reading, False)}"),
        ]
    else:  # document
        place = f"{reading.place}, " if reading.place else ""
        parts = [_end(who), f"“{_end(title)}”", _end(f"{place}{_date_words(reading, False)}")]
    if reading.url:
        parts.append(_end(_url(reading, mla=False)))
    return " ".join(parts)


def chicago_note(reading: Reading) -> str:
    people = reading.authors or reading.editors
    who = _names(people, invert_first=False)
    if not reading.authors:
        who += ", eds." if len(people) > 1 else ", ed."
    title = reading.full_title
    kind = reading.kind
    if kind in ("book", "anthology"):
        text = f"{who}, *{title}* ({_publication(reading)})"
    elif kind == "chapter":
        translator = f", trans. {reading.translator}" if reading.translator else ""
        text = f"{who}, “{title},” in *{reading.container}*{translator} ({_publication(reading)})"
    elif kind == "article":
        text = f"{who}, “{title},” *{reading.container}*, {_date_words(reading, False)}"
    elif kind == "online":
        text = f"{who}, “{title},” {reading.container}, {_date_words(reading, False)}"
    else:
        place = f"{reading.place}, " if reading.place else ""
        text = f"{who}, “{title}” ({place}{_date_words(reading, False)})"
    if reading.url:
        text += f", {reading.url}"
    return text + "."


def mla(reading: Reading) -> str:
    people = reading.authors or reading.editors
    who = _mla_names(people)
    if not reading.authors:
        who += ", editors" if len(people) > 1 else ", editor"
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
    return " ".join(parts)


def cite(reading: Reading, style: str = "chicago") -> str:
    """Cite ``reading`` in ``style`` (chicago = bibliography entry, chicago-note, mla)."""
    key = STYLES.get(style.strip().lower())
    if key is None:
        raise UserError(
            f"Unknown citation style {style!r}. Choose one of: chicago, chicago-note, mla."
        )
    if key == "mla":
        return mla(reading)
    if key == "chicago-note":
        return chicago_note(reading)
    return chicago_bibliography(reading)
