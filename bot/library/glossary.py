"""The glossary file of a content pack: people, organisations, places and terms.

``glossary.yaml`` holds one list, ``entries``. Each entry explains a name a reader of the syllabus
meets (Petrichenko, the Cheka, Anchor Square, *kursanty*) in the pack's own words, with its
dates, its other spellings, and the readings, resolution points and timeline events that discuss
it. :func:`load_glossary` reads the file on its own; the pack loader also cross-checks every id
an entry refers to. :class:`Glossary` answers look-ups by id, name, alias or a misspelling.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from rapidfuzz import fuzz, process

from bot.library.schemas import Slug, Text
from bot.library.text import normalise_key

GlossaryKind = Literal["person", "organisation", "place", "term"]
KINDS: tuple[GlossaryKind, ...] = ("person", "organisation", "place", "term")
MATCH_CUTOFF = 80  # rapidfuzz ratio for a misspelt name ("petrichencko" -> "petrichenko")

Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=700)]


class GlossaryEntry(BaseModel):
    """One person, organisation, place or term."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: Slug
    name: Text  # the form the pack uses: "Stepan Petrichenko", "the Cheka", "kursanty"
    kind: GlossaryKind
    # Other spellings, transliterations, Russian forms and short names ("Petrichenco").
    aliases: list[Text] = []
    dates: Text | None = None  # free text: "1892–1947", "founded 20 December 1917"
    summary: Summary  # 1–4 sentences in the pack's own words
    readings: list[Slug] = []  # reading ids that discuss it
    points: list[Annotated[int, Field(ge=1)]] = []  # Kronstadt resolution points
    events: list[Slug] = []  # timeline event ids
    excerpts: list[Slug] = []  # excerpt ids that mention it
    see_also: list[Slug] = []  # other glossary ids

    @property
    def names(self) -> list[str]:
        """The name and every alias, name first."""
        return [self.name, *self.aliases]


class GlossaryFile(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    entries: list[GlossaryEntry]


def entry_keys(entry: GlossaryEntry) -> set[str]:
    """Folded look-up keys for an entry: its id, name and aliases, with and without "the"."""
    keys = {normalise_key(entry.id.replace("-", " "))}
    for name in entry.names:
        key = normalise_key(name)
        if key:
            keys.add(key)
            if key.startswith("the "):
                keys.add(key[4:])
    keys.discard("")
    return keys


class Glossary:
    """Look-ups over a list of entries (built by the pack loader or :func:`load_glossary`)."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries = list(entries)
        self._by_id = {e.id: e for e in self.entries}
        self._keys: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            for key in sorted(entry_keys(entry)):
                self._keys.setdefault(key, entry)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> GlossaryEntry | None:
        return self._by_id.get(entry_id)

    def find(self, query: str) -> GlossaryEntry | None:
        """The entry for an id, name or alias; tolerates case, accents, "the" and misspellings."""
        if query in self._by_id:
            return self._by_id[query]
        key = normalise_key(query)
        if key.startswith("the "):
            key = key[4:]
        if not key:
            return None
        if key in self._keys:
            return self._keys[key]
        match = process.extractOne(
            key, list(self._keys), scorer=fuzz.ratio, score_cutoff=MATCH_CUTOFF
        )
        return self._keys[match[0]] if match else None

    def closest(self, query: str, limit: int = 5) -> list[GlossaryEntry]:
        """The entries whose names come nearest ``query``, best first: the suggestions a
        failed look-up offers. Scored word by word, so "Petrishenko the sailor" still finds
        Petrichenko while "the" matches nothing in particular."""
        words = [w for w in normalise_key(query).split() if len(w) >= 3 and w != "the"]
        if not words:
            return []
        scored: dict[str, tuple[float, GlossaryEntry]] = {}
        for key, entry in self._keys.items():
            key_words = key.split()
            score = max(fuzz.ratio(w, k) for w in words for k in key_words)
            if score >= 60 and score > scored.get(entry.id, (0.0, entry))[0]:
                scored[entry.id] = (score, entry)
        best = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].name))
        return [entry for _, entry in best[:limit]]

    def starting_with(self, prefix: str, limit: int = 25) -> list[GlossaryEntry]:
        """Entries with a name or alias starting with ``prefix`` (then containing it): autocomplete."""
        key = normalise_key(prefix)
        if not key:
            return sorted(self.entries, key=lambda e: normalise_key(e.name))[:limit]
        starts: list[GlossaryEntry] = []
        contains: list[GlossaryEntry] = []
        for entry in sorted(self.entries, key=lambda e: normalise_key(e.name)):
            names = [normalise_key(n) for n in entry.names]
            words = [w for n in names for w in n.split()]
            if any(n.startswith(key) for n in names) or any(w.startswith(key) for w in words):
                starts.append(entry)
            elif any(key in n for n in names):
                contains.append(entry)
        return (starts + contains)[:limit]

    def for_point(self, number: int) -> list[GlossaryEntry]:
        return [e for e in self.entries if number in e.points]

    def for_event(self, event_id: str) -> list[GlossaryEntry]:
        return [e for e in self.entries if event_id in e.events]

    def for_reading(self, reading_id: str) -> list[GlossaryEntry]:
        return [e for e in self.entries if reading_id in e.readings]


def load_glossary(path: Path | str) -> Glossary:
    """Read and validate one glossary file (no cross-checks against the rest of the pack).

    Raises ``FileNotFoundError``, ``yaml.YAMLError`` or ``pydantic.ValidationError``; the pack
    loader reports the same problems with file, entry and field instead.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return Glossary(GlossaryFile.model_validate(data).entries)
