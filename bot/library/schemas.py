"""Typed schemas for the content pack files (pydantic v2, strict, no unknown fields).

Every file in ``content/`` has one top-level model here. Dates stay ISO strings (``1921-03-01``,
``1917-12`` or ``1917``) because many historical dates are only known to the month or year.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial_date(value: str) -> str:
    """Accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and check it is a real date."""
    match = _ISO_PARTIAL.match(value)
    if not match:
        raise ValueError("expected an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    date(year, month, day)  # raises ValueError for 1921-02-30
    return value


PartialDate = Annotated[str, StringConstraints(strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Person(Strict):
    """An author, editor or translator; ``corporate`` marks a group name (no surname inversion)."""

    name: Text
    sort_name: Text | None = None
    corporate: bool = False

    @property
    def inverted(self) -> str:
        """``Family, Given`` for bibliographies (group names stay as they are)."""
        if self.sort_name:
            return self.sort_name
        if self.corporate or " " not in self.name:
            return self.name
        given, family = self.name.rsplit(" ", 1)
        return f"{family}, {given}"

    @property
    def family(self) -> str:
        return self.inverted.split(",", 1)[0]


# book: a book or pamphlet by its author(s); anthology: an edited collection; article: in a
# periodical (container = periodical); chapter: part of a book (container = book); online: an
# essay on a website (container = site); document: a historical document (resolution, letter).
ReadingKind = Literal["book", "anthology", "article", "chapter", "online", "document"]


class Length(Strict):
    value: Annotated[int, Field(gt=0)]
    unit: Literal["pages", "words"]
    approximate: bool = True

    def describe(self) -> str:
        prefix = "about " if self.approximate else ""
        return f"{prefix}{self.value:,} {self.unit}"


class Reading(Strict):
    id: Slug
    kind: ReadingKind
    title: Text
    subtitle: Text | None = None
    authors: list[Person]
    editors: list[Person] = []
    translator: Text | None = None
    year: Annotated[int, Field(ge=1000, le=2100)]
    date: PartialDate | None = None
    publisher: Text | None = None
    place: Text | None = None
    container: Text | None = None
    url: Url | None = None
    where: Text | None = None
    length: Length | None = None
    week: Annotated[int, Field(ge=1, le=52)] | None = None
    aliases: list[Text] = []
    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=20, max_length=1000)
    ]
    prompts: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=300)]
    ] = []
    # Where and when the text first appeared, when that differs from the edition cited above
    # (free text: "as a chapter of Bloodstained (AK Press, 2017)").
    first_published: Text | None = None
    # The id of another reading this one is printed in (the week-4 essay inside the week-10 book).
    part_of: Slug | None = None
    # An editor's note for readers: what the reading list says differently, what is unverified.
    note: Text | None = None
    # Spoiler-safe discussion: the parts (chapters, page ranges) it is read and discussed in,
    # in reading order, each titled as members should see it ("pp. 1-30", "Chapter 2").
    parts: Annotated[
        list[Annotated[Text, StringConstraints(max_length=80)]], Field(max_length=20)
    ] = []

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else check_partial_date(value)

    @field_validator("parts")
    @classmethod
    def _distinct_parts(cls, parts: list[str]) -> list[str]:
        if len({p.casefold() for p in parts}) != len(parts):
            raise ValueError("parts must have distinct titles")
        if len(parts) == 1:
            raise ValueError("a reading in parts has at least two")
        return parts

    @field_validator("editors")
    @classmethod
    def _someone(cls, editors: list[Person], info: ValidationInfo) -> list[Person]:
        if not editors and not info.data.get("authors"):
            raise ValueError("a reading needs at least one author or editor")
        return editors

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def people(self) -> list[Person]:
        return self.authors or self.editors

    @property
    def author_line(self) -> str:
        names = [p.name for p in self.people]
        line = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{line} (ed.)" if not self.authors else line


class ReadingsFile(Strict):
    readings: list[Reading]


class Excerpt(Strict):
    id: Slug
    author: Text
    work: Text
    date: Text  # free text: "30 July 1919", "March 1921"
    year: Annotated[int, Field(ge=1000, le=2100)] | None = None
    reading: Slug | None = None
    tags: list[Slug] = []
    note: Text | None = None
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]
    # Where the words come from. The shipped pack gives every excerpt a locator and a url (a
    # content test holds it); other packs may leave them out.
    translator: Text | None = None  # "Paul Sharkey"; None for texts written in English
    edition: Text | None = None  # the edition quoted: "Berlin: Der Syndikalist, 1922"
    locator: Text | None = None  # "p. 25", "ch. II", "Preface, pp. v–vi", "section H.3.8"
    url: Url | None = None  # the public text the words were checked against
    first_published: Text | None = None  # "Volontà (Ancona), 16 August 1919"
    quoted_in: Text | None = None  # set when the wording was read in another published text
    # How the wording was checked, omissions marked […], differences from other versions.
    verbatim_note: Text | None = None
    verified: bool = True  # False: the wording has not been checked against the text at url


class ExcerptsFile(Strict):
    excerpts: list[Excerpt]


class Adoption(Strict):
    date: PartialDate
    place: Text
    body: Text
    chair: Text | None = None  # who presided over this meeting, when a source says so
    note: Text | None = None

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        return check_partial_date(value)


class Point(Strict):
    number: Annotated[int, Field(ge=1)]
    gist: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=90)]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class Resolution(Strict):
    id: Slug
    reading: Slug | None = None
    title: Text
    adopted: list[Adoption]
    chair: Text | None = None
    preamble: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)
    ]
    points: Annotated[list[Point], Field(min_length=1)]
    context: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)]
    # Other titles the document goes by (the reading list's "… Ships of the Line").
    aliases: list[Text] = []
    # The published English translations this rendering was compared with, one line each.
    translations: list[Text] = []


Precision = Literal["day", "month", "year"]


class Event(Strict):
    id: Slug
    date: PartialDate
    precision: Precision
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)
    ]
    readings: list[Slug] = []
    # The same day in the Julian calendar ("25 October 1917"), which Russia used until
    # 31 January 1918 (Old Style); `date` is always New Style.
    old_style: Text | None = None
    end_date: PartialDate | None = None  # last day of an event that spans several days

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        return check_partial_date(value)

    @field_validator("end_date")
    @classmethod
    def _end_date(cls, value: str | None) -> str | None:
        return None if value is None else check_partial_date(value)

    @property
    def year(self) -> int:
        return int(self.date[:4])


class TimelineFile(Strict):
    events: list[Event]


class PackMeta(Strict):
    id: Slug
    name: Text
    description: Text
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    week_labels: dict[int, Annotated[str, StringConstraints(min_length=1, max_length=80)]] = {}
