"""Load and validate a content pack directory into a :class:`ContentPack`.

Errors name the file, the entry and the field, e.g.
``content/readings.yaml: readings[3] (id 'brinton-1970'): field 'year': Input should be a
valid integer``, so a group editing its own pack can fix it without reading Python.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from bot.library.glossary import Glossary, GlossaryEntry, GlossaryFile, entry_keys
from bot.library.schemas import (
    Event,
    Excerpt,
    ExcerptsFile,
    PackMeta,
    Point,
    Reading,
    ReadingsFile,
    Resolution,
    TimelineFile,
)
from bot.library.text import normalise_key

FILES = {
    "pack": "pack.yaml",
    "readings": "readings.yaml",
    "excerpts": "excerpts.yaml",
    "kronstadt": "kronstadt.yaml",
    "timeline": "timeline.yaml",
    "glossary": "glossary.yaml",
}
OPTIONAL_FILES = {"glossary"}  # a pack without a glossary loads with an empty one
M = TypeVar("M", bound=BaseModel)
NAME_MATCH_CUTOFF = 78  # rapidfuzz ratio; "piriani"->"pirani" scores 92, unrelated names < 60


class ContentError(Exception):
    """The pack is invalid; ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# libyaml's parser when PyYAML was built with it: about ten times faster on the pack.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoDatesLoader(_SafeLoader):  # type: ignore[misc,valid-type]  # chosen at import time
    """SafeLoader that keeps ``1921-03-01`` a string: dates may be partial (``1917-12``)."""


_NoDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class ContentPack:
    """A validated pack with look-ups by id, alias and (tolerantly) by name."""

    meta: PackMeta
    readings: list[Reading]
    excerpts: list[Excerpt]
    resolution: Resolution
    events: list[Event]
    directory: Path | None = None
    glossary_entries: list[GlossaryEntry] = field(default_factory=list)
    _by_id: dict[str, Reading] = field(default_factory=dict, repr=False)
    _authors: dict[str, str] = field(default_factory=dict, repr=False)
    _excerpts: dict[str, Excerpt] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.glossary = Glossary(self.glossary_entries)
        self._by_id = {r.id: r for r in self.readings}
        self._excerpts = {e.id: e for e in self.excerpts}
        for name in self.author_names():
            for key in _name_keys(name):
                self._authors.setdefault(key, name)
        # Reading aliases that look like a person (e.g. the seed's "Piriani") point to that
        # reading's author too.
        for reading in self.readings:
            people = reading.people
            if len(people) == 1:
                for alias in reading.aliases:
                    key = normalise_key(alias)
                    if key and " " not in key and key not in self._authors:
                        family = normalise_key(people[0].family)
                        if fuzz.ratio(key, family) >= NAME_MATCH_CUTOFF:
                            self._authors[key] = people[0].name

    # -- readings ---------------------------------------------------------------------------
    def reading(self, reading_id: str) -> Reading | None:
        return self._by_id.get(reading_id)

    def readings_by(self, author: str) -> list[Reading]:
        return [r for r in self.readings if any(p.name == author for p in r.people)]

    # -- authors ----------------------------------------------------------------------------
    def author_names(self) -> list[str]:
        """Every person or group credited in the pack, in first-seen order."""
        seen: dict[str, None] = {}
        for reading in self.readings:
            for person in reading.people:
                seen.setdefault(person.name, None)
        for excerpt in self.excerpts:
            seen.setdefault(excerpt.author, None)
        return list(seen)

    def find_author(self, query: str) -> str | None:
        """The canonical author for a name, tolerating case, accents and misspellings."""
        return match_name(query, self._authors)

    # -- excerpts, resolution, timeline ---------------------------------------------------------
    def excerpt(self, excerpt_id: str) -> Excerpt | None:
        return self._excerpts.get(excerpt_id)

    def point(self, number: int) -> Point | None:
        for point in self.resolution.points:
            if point.number == number:
                return point
        return None

    def events_in(self, year: int | None = None) -> list[Event]:
        events = sorted(self.events, key=lambda e: e.date)
        return [e for e in events if year is None or e.year == year]


def _name_keys(name: str) -> set[str]:
    key = normalise_key(name)
    parts = key.split()
    keys = {key}
    if len(parts) > 1:
        keys.add(parts[-1])  # surname alone: "mckay", "malatesta"
    return keys


def match_name(query: str, keys: dict[str, str]) -> str | None:
    """Look ``query`` up in ``keys`` (folded key -> canonical name), exactly then fuzzily."""
    key = normalise_key(query)
    if not key or not keys:
        return None
    if key in keys:
        return keys[key]
    match = process.extractOne(key, list(keys), scorer=fuzz.ratio, score_cutoff=NAME_MATCH_CUTOFF)
    if match is None and " " in key:
        # "iain mckai": try the surname alone
        match = process.extractOne(
            key.split()[-1], list(keys), scorer=fuzz.ratio, score_cutoff=NAME_MATCH_CUTOFF
        )
    return keys[match[0]] if match else None


# -- loading ------------------------------------------------------------------------------------
def _read_yaml(path: Path, label: str, problems: list[str]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{label}: file not found")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{label}: cannot read file ({error})")
        return None
    try:
        return yaml.load(text, Loader=_NoDatesLoader)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problems.append(f"{label}: not valid YAML{line}: {getattr(error, 'problem', error)}")
        return None


def _entry_label(data: Any, loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """Split a pydantic location into an entry label ("readings[3] (id 'x')") and the rest."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        label = f"{loc[0]}[{loc[1]}]"
        try:
            entry = data[loc[0]][loc[1]]
        except (KeyError, IndexError, TypeError):
            entry = None
        if isinstance(entry, dict):
            for ident in ("id", "number"):
                if ident in entry:
                    label += f" ({ident} {entry[ident]!r})"
                    break
        return label, loc[2:]
    return "top level", loc


def _field_name(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validate(model: type[M], data: Any, label: str, problems: list[str]) -> M | None:
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            entry, rest = _entry_label(data, tuple(item["loc"]))
            where = f"field '{_field_name(rest)}'" if rest else "entry"
            if item["type"] == "missing":
                message = "missing (required)"
            elif item["type"] == "extra_forbidden":
                message = "unknown field (check the spelling)"
            else:
                message = item["msg"]
            problems.append(f"{label}: {entry}: {where}: {message}")
        return None


def _duplicates(label: str, section: str, ids: list[str], problems: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, ident in enumerate(ids):
        if ident in seen:
            problems.append(
                f"{label}: {section}[{index}] (id {ident!r}): field 'id': duplicate id "
                f"(first used by {section}[{seen[ident]}])"
            )
        else:
            seen[ident] = index


def load_pack(directory: Path | str) -> ContentPack:
    """Validate every file of the pack; raise :class:`ContentError` listing all problems."""
    directory = Path(directory)
    labels = {key: f"{directory.name}/{name}" for key, name in FILES.items()}
    problems: list[str] = []
    if not directory.is_dir():
        raise ContentError([f"{directory}: not a directory (set CONTENT_DIR to a content pack)"])
    raw = {
        key: _read_yaml(directory / name, labels[key], problems)
        for key, name in FILES.items()
        if key not in OPTIONAL_FILES or (directory / name).exists()
    }
    meta = _validate(PackMeta, raw["pack"], labels["pack"], problems)
    readings = _validate(ReadingsFile, raw["readings"], labels["readings"], problems)
    excerpts = _validate(ExcerptsFile, raw["excerpts"], labels["excerpts"], problems)
    resolution = _validate(Resolution, raw["kronstadt"], labels["kronstadt"], problems)
    timeline = _validate(TimelineFile, raw["timeline"], labels["timeline"], problems)
    glossary = _validate(GlossaryFile, raw.get("glossary"), labels["glossary"], problems)

    reading_ids = {r.id for r in readings.readings} if readings else set()
    if readings:
        _duplicates(labels["readings"], "readings", [r.id for r in readings.readings], problems)
    if excerpts:
        _duplicates(labels["excerpts"], "excerpts", [e.id for e in excerpts.excerpts], problems)
        if readings:
            for index, excerpt in enumerate(excerpts.excerpts):
                if excerpt.reading and excerpt.reading not in reading_ids:
                    problems.append(
                        f"{labels['excerpts']}: excerpts[{index}] (id {excerpt.id!r}): field "
                        f"'reading': unknown reading id {excerpt.reading!r}"
                    )
    if timeline:
        _duplicates(labels["timeline"], "events", [e.id for e in timeline.events], problems)
        if readings:
            for index, event in enumerate(timeline.events):
                for ref in event.readings:
                    if ref not in reading_ids:
                        problems.append(
                            f"{labels['timeline']}: events[{index}] (id {event.id!r}): field "
                            f"'readings': unknown reading id {ref!r}"
                        )
    if readings:
        for index, reading in enumerate(readings.readings):
            if reading.part_of and reading.part_of not in reading_ids:
                problems.append(
                    f"{labels['readings']}: readings[{index}] (id {reading.id!r}): field "
                    f"'part_of': unknown reading id {reading.part_of!r}"
                )
            elif reading.part_of == reading.id:
                problems.append(
                    f"{labels['readings']}: readings[{index}] (id {reading.id!r}): field "
                    f"'part_of': a reading cannot be part of itself"
                )
    if glossary:
        _check_glossary(
            glossary.entries,
            labels["glossary"],
            reading_ids=reading_ids if readings else None,
            points=len(resolution.points) if resolution else None,
            event_ids={e.id for e in timeline.events} if timeline else None,
            excerpt_ids={e.id for e in excerpts.excerpts} if excerpts else None,
            problems=problems,
        )
    if resolution:
        for index, point in enumerate(resolution.points):
            if point.number != index + 1:
                problems.append(
                    f"{labels['kronstadt']}: points[{index}] (number {point.number}): field "
                    f"'number': points must be numbered 1..{len(resolution.points)} in order; "
                    f"expected {index + 1}"
                )
        if readings and resolution.reading and resolution.reading not in reading_ids:
            problems.append(
                f"{labels['kronstadt']}: top level: field 'reading': unknown reading id "
                f"{resolution.reading!r}"
            )
    if meta:
        for week in meta.week_labels:
            if not 1 <= week <= 52:
                problems.append(
                    f"{labels['pack']}: top level: field 'week_labels.{week}': weeks run 1..52"
                )
    if problems:
        raise ContentError(problems)
    if (
        meta is None
        or readings is None
        or excerpts is None
        or resolution is None
        or timeline is None
    ):
        raise ContentError([f"{directory}: the pack could not be loaded"])  # unreachable
    return ContentPack(
        meta=meta,
        readings=readings.readings,
        excerpts=excerpts.excerpts,
        resolution=resolution,
        events=timeline.events,
        directory=directory,
        glossary_entries=glossary.entries if glossary else [],
    )


def print_problems(directory: Path, error: ContentError) -> None:
    """The report of an invalid pack, the same for ``content check`` and for start-up."""
    print(f"content pack {directory} is invalid:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)


def _check_glossary(
    entries: list[GlossaryEntry],
    label: str,
    *,
    reading_ids: set[str] | None,
    points: int | None,
    event_ids: set[str] | None,
    excerpt_ids: set[str] | None,
    problems: list[str],
) -> None:
    """Cross-check a glossary: unique ids, unambiguous names, and every id it refers to."""
    _duplicates(label, "entries", [e.id for e in entries], problems)
    entry_ids = {e.id for e in entries}
    owner: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"{label}: entries[{index}] (id {entry.id!r})"
        for key in sorted(entry_keys(entry)):
            first = owner.setdefault(key, index)
            if first != index:
                problems.append(
                    f"{where}: field 'aliases': {key!r} also names entries[{first}] "
                    f"(id {entries[first].id!r}); a look-up would be ambiguous"
                )
        checks: list[tuple[str, list[str], set[str] | None, str]] = [
            ("readings", entry.readings, reading_ids, "reading"),
            ("events", entry.events, event_ids, "timeline event"),
            ("excerpts", entry.excerpts, excerpt_ids, "excerpt"),
            ("see_also", entry.see_also, entry_ids, "glossary entry"),
        ]
        for field_name, refs, known, what in checks:
            if known is None:
                continue
            for ref in refs:
                if ref not in known:
                    problems.append(f"{where}: field '{field_name}': unknown {what} id {ref!r}")
        if entry.id in entry.see_also:
            problems.append(f"{where}: field 'see_also': an entry cannot refer to itself")
        if points is not None:
            for number in entry.points:
                if number > points:
                    problems.append(
                        f"{where}: field 'points': no point {number} (the resolution has "
                        f"{points} points)"
                    )


def check_command(directory: Path) -> int:
    """``python -m bot content check [DIR]``: print a summary or every problem; exit code."""
    try:
        pack = load_pack(directory)
    except ContentError as error:
        print_problems(directory, error)
        return 1
    print(
        f"ok: {pack.meta.name!r} ({pack.meta.id}): {len(pack.readings)} readings, "
        f"{len(pack.excerpts)} excerpts, {len(pack.resolution.points)} resolution points, "
        f"{len(pack.events)} timeline events, {len(pack.glossary)} glossary entries"
    )
    return 0
