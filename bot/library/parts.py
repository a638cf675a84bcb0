"""Readings in parts (chapters, page ranges): who has read how far, and each part's thread.

A reading's parts come from the pack (``parts`` in ``content/readings.yaml``) unless the
server's organisers set their own (``/reading parts``). Members mark parts done one by one;
the furthest part they finished decides which discussion threads they are pointed to, so
nobody is sent into the thread of a chapter they have not read. Marking the last part done
marks the whole reading done too, and a reading marked done counts as all its parts read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import LibraryProgress
from bot.db.models.members import PartProgress, PartThread, ReadingPartsOverride
from bot.errors import UserError
from bot.library.records import ReadingCard
from bot.library.service import LibraryService
from bot.text import neutralise_mentions

MAX_PARTS = 20
PART_TITLE = 80
_SPLIT = re.compile(r"\s*(?:\||;|\n)\s*")


@dataclass(frozen=True)
class PartsRead:
    """What one member has read of a reading in parts."""

    card: ReadingCard
    parts: tuple[str, ...]
    done: frozenset[int]  # 1-based part numbers
    whole: bool  # the reading itself is marked done

    @property
    def furthest(self) -> int:
        """The furthest part read in order: parts 1..N all done (all of them when whole)."""
        if self.whole:
            return len(self.parts)
        n = 0
        while n + 1 in self.done:
            n += 1
        return n

    def title(self, part: int) -> str:
        return f"Part {part} of {len(self.parts)}: {self.parts[part - 1]}"


def parse_parts(text: str) -> tuple[str, ...]:
    """Part titles separated by ``|``, ``;`` or new lines: ``pp. 1-30 | pp. 31-60``."""
    parts = tuple(p for p in _SPLIT.split(text.strip()) if p)
    if len(parts) < 2:
        raise UserError("Give at least two parts, separated by `|`: `pp. 1-30 | pp. 31-60`.")
    if len(parts) > MAX_PARTS:
        raise UserError(f"At most {MAX_PARTS} parts, please.")
    if any(len(p) > PART_TITLE for p in parts):
        raise UserError(f"Keep each part's title under {PART_TITLE} characters.")
    if len({p.casefold() for p in parts}) != len(parts):
        raise UserError("Give each part a different title.")
    return tuple(neutralise_mentions(p) for p in parts)


class ReadingParts:
    """Parts per reading and server, members' parts done, and the threads opened per part."""

    def __init__(
        self,
        library: LibraryService,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self._library = library
        self._sessions = session_factory
        self._clock = clock

    async def parts_of(self, guild_id: int, card: ReadingCard) -> tuple[str, ...]:
        async with self._sessions() as s:
            row = await s.get(ReadingPartsOverride, (guild_id, card.id))
        return card.parts if row is None else tuple(row.parts.splitlines())

    async def set_parts(
        self, guild_id: int, reading: str, text: str, by: int | None
    ) -> tuple[ReadingCard, tuple[str, ...]]:
        """Split a reading into parts for this server; ``none`` goes back to the pack's."""
        card = await self._library.reading(guild_id, reading)
        async with self._sessions() as s, s.begin():
            if text.strip().casefold() in ("none", "pack", "default"):
                await s.execute(
                    delete(ReadingPartsOverride).where(
                        ReadingPartsOverride.guild_id == guild_id,
                        ReadingPartsOverride.reading_id == card.id,
                    )
                )
                return card, card.parts
            parts = parse_parts(text)
            row = await s.get(ReadingPartsOverride, (guild_id, card.id))
            if row is None:
                row = ReadingPartsOverride(guild_id=guild_id, reading_id=card.id)
                s.add(row)
            row.parts, row.set_by, row.updated_at = "\n".join(parts), by, self._clock()
        return card, parts

    async def read(self, guild_id: int, user_id: int, card: ReadingCard) -> PartsRead:
        parts = await self.parts_of(guild_id, card)
        async with self._sessions() as s:
            done = (
                await s.scalars(
                    select(PartProgress.part).where(
                        PartProgress.guild_id == guild_id,
                        PartProgress.user_id == user_id,
                        PartProgress.reading_id == card.id,
                    )
                )
            ).all()
            whole = await s.get(LibraryProgress, (guild_id, user_id, card.id)) is not None
        return PartsRead(card, parts, frozenset(done), whole)

    async def mark(self, guild_id: int, user_id: int, reading: str, part: int) -> PartsRead:
        """Mark part ``part`` (and every part before it: parts are read in order) done."""
        card = await self._library.reading(guild_id, reading)
        parts = await self.parts_of(guild_id, card)
        if not parts:
            raise UserError(f"*{card.title[:200]}* is not split into parts here.")
        if not 1 <= part <= len(parts):
            raise UserError(f"*{card.title[:200]}* has parts 1 to {len(parts)}.")
        before = await self.read(guild_id, user_id, card)
        now = self._clock()
        for number in range(1, part + 1):
            if number in before.done:
                continue
            try:
                async with self._sessions() as s, s.begin():
                    s.add(PartProgress(guild_id=guild_id, user_id=user_id, reading_id=card.id,
                                       part=number, done_at=now))  # fmt: skip
            except IntegrityError:  # the same click twice at once
                pass
        if part == len(parts):
            await self._library.mark_done(guild_id, user_id, card.id)
        return await self.read(guild_id, user_id, card)

    async def spread(self, guild_id: int, card: ReadingCard) -> Counter[int]:
        """How many members are at each point: furthest part read in order (``len(parts)``
        for members who finished), counting members who marked anything."""
        parts = await self.parts_of(guild_id, card)
        async with self._sessions() as s:
            rows = (
                await s.execute(
                    select(PartProgress.user_id, PartProgress.part).where(
                        PartProgress.guild_id == guild_id, PartProgress.reading_id == card.id
                    )
                )
            ).all()
            finished = set(
                (
                    await s.scalars(
                        select(LibraryProgress.user_id).where(
                            LibraryProgress.guild_id == guild_id,
                            LibraryProgress.reading_id == card.id,
                        )
                    )
                ).all()
            )
        done: dict[int, set[int]] = {}
        for user_id, part in rows:
            done.setdefault(user_id, set()).add(part)
        counts: Counter[int] = Counter()
        for user_id in set(done) | finished:
            read = PartsRead(card, parts, frozenset(done.get(user_id, ())), user_id in finished)
            counts[read.furthest] += 1
        return counts

    async def threads(self, guild_id: int, reading_id: str) -> dict[int, int]:
        """The newest thread opened for each part of a reading, by part number."""
        async with self._sessions() as s:
            rows = await s.scalars(
                select(PartThread).where(
                    PartThread.guild_id == guild_id, PartThread.reading_id == reading_id
                )
            )
            return {row.part: row.thread_id for row in rows}

    async def link_thread(self, guild_id: int, reading_id: str, part: int, thread_id: int) -> None:
        async with self._sessions() as s, s.begin():
            row = await s.get(PartThread, (guild_id, reading_id, part))
            if row is None:
                row = PartThread(guild_id=guild_id, reading_id=reading_id, part=part)
                s.add(row)
            row.thread_id, row.opened_at = thread_id, self._clock()
