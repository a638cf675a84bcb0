"""The prompt service: add, list, draw at random in rotation, mark used, export, privacy.

Every query filters by ``guild_id``: an id from another server behaves exactly like an id that
does not exist (:class:`NotFound`), so nothing leaks across servers.
"""

from __future__ import annotations

import builtins
import hashlib
import math
import random as random_module
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.engine import affected_rows
from bot.db.models.discussion import Prompt, PromptDraw, PromptSeed
from bot.discussion.prompts.export import to_csv, to_markdown
from bot.discussion.prompts.model import (
    EXPORT_FORMATS,
    MAX_ID,
    MAX_PER_PAGE,
    PROMPT_MAX_LENGTH,
    Clock,
    PromptInfo,
    PromptPage,
    clean_reading,
)
from bot.discussion.prompts.records import get_prompt, scope_filter
from bot.discussion.text import clean_text
from bot.errors import NotFound, PermissionDenied, UserError

_RETRIES = 5
# A Core INSERT on the table itself (not the ORM entity): the benchmarked hot path of add().
_INSERT_PROMPT = insert(Prompt.metadata.tables[Prompt.__tablename__])
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class PromptService:
    """Members' discussion prompts for one bot (all servers), stored in the database."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        rng: random_module.Random | None = None,
        starters: Mapping[str | None, Sequence[str]] | None = None,
    ) -> None:
        """``starters``: the content pack's starter prompts by reading; every server gets them
        as its own prompts the first time it looks (so they can be used, hidden, drawn)."""
        self._sessions = session_factory
        self._clock = clock
        self._rng = rng or random_module.Random()
        self._starters = starters or {}
        self._seeded: set[int] = set()  # servers this process has seeded already
        bind = session_factory.kw.get("bind")
        self._engine: AsyncEngine | None = bind if isinstance(bind, AsyncEngine) else None

    async def add(
        self,
        guild_id: int,
        author_id: int | None,
        text: str,
        reading_id: str | None = None,
        session_at: datetime | None = None,
    ) -> PromptInfo:
        """Record a prompt (text stripped, 1..1000 characters, else :class:`UserError`)."""
        cleaned = clean_text(text, field="prompt", max_len=PROMPT_MAX_LENGTH)
        reading_id = clean_reading(reading_id)
        now = self._clock()
        values = {
            "guild_id": guild_id,
            "text": cleaned,
            "author_id": author_id,
            "reading_id": reading_id,
            "session_at": session_at,
            "created_at": now,
        }
        # The hot path (benchmarked): one Core INSERT with a cached statement in one short
        # transaction on a bare connection: no Session, no ORM unit of work, no RETURNING
        # fetch (the id comes from lastrowid on SQLite, implicit RETURNING on PostgreSQL).
        if self._engine is not None:
            async with self._engine.connect() as connection:
                result = await connection.execute(_INSERT_PROMPT, values)
                await connection.commit()
        else:
            async with self._sessions() as session:
                result = await (await session.connection()).execute(_INSERT_PROMPT, values)
                await session.commit()
        inserted = result.inserted_primary_key
        if inserted is None:  # only an executemany has no single key
            raise RuntimeError("the database reported no id for the new prompt")
        prompt_id = inserted[0]
        return PromptInfo(
            id=prompt_id,
            guild_id=guild_id,
            text=cleaned,
            author_id=author_id,
            reading_id=reading_id,
            session_at=session_at,
            created_at=now,
            used_at=None,
            used_in_session=None,
        )

    async def get(self, guild_id: int, prompt_id: int) -> PromptInfo:
        async with self._sessions() as session:
            return PromptInfo.of(await get_prompt(session, guild_id, prompt_id))

    async def list(
        self,
        guild_id: int,
        reading_id: str | None = None,
        page: int = 1,
        per_page: int = 10,
    ) -> PromptPage:
        """One page of the server's prompts (oldest first), optionally for one reading."""
        per_page = max(1, min(MAX_PER_PAGE, per_page))
        await self.ensure_starters(guild_id)
        where = scope_filter(guild_id, reading_id)
        async with self._sessions() as session:
            total = (
                await session.execute(select(func.count(Prompt.id)).where(*where))
            ).scalar_one()
            pages = max(1, math.ceil(total / per_page))
            page = max(1, min(page, pages))
            rows = (
                await session.execute(
                    select(Prompt)
                    .where(*where)
                    .order_by(Prompt.id)
                    .offset((page - 1) * per_page)
                    .limit(per_page)
                )
            ).scalars()
            items = tuple(PromptInfo.of(row) for row in rows)
        return PromptPage(items=items, page=page, pages=pages, total=total)

    async def search(
        self, guild_id: int, query: str, limit: int = MAX_PER_PAGE
    ) -> builtins.list[PromptInfo]:
        """Prompts for autocomplete, newest first: ``#12``/``12`` matches that id first, then
        prompts whose text contains ``query`` (case-insensitive); an empty query lists all."""
        limit = max(1, min(MAX_PER_PAGE, limit))
        await self.ensure_starters(guild_id)
        # Control characters (NUL above all: PostgreSQL refuses it) can never match a prompt.
        text = _CONTROL_CHARS.sub("", query or "").strip().lstrip("#").strip()
        found: dict[int, Prompt] = {}
        async with self._sessions() as session:
            if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
                row = (
                    await session.execute(
                        select(Prompt).where(Prompt.guild_id == guild_id, Prompt.id == int(text))
                    )
                ).scalar_one_or_none()
                if row is not None:
                    found[row.id] = row
            query_rows = select(Prompt).where(Prompt.guild_id == guild_id)
            if text:
                query_rows = query_rows.where(Prompt.text.icontains(text[:100], autoescape=True))
            rows = (
                await session.execute(query_rows.order_by(Prompt.id.desc()).limit(limit))
            ).scalars()
            for row in rows:
                found.setdefault(row.id, row)
        return [PromptInfo.of(row) for row in list(found.values())[:limit]]

    async def random(
        self,
        guild_id: int,
        reading_id: str | None = None,
        exclude_readings: Collection[str] = (),
    ) -> PromptInfo:
        """Draw a prompt no draw in this rotation has returned yet; when all have been drawn,
        start a new rotation (never repeating the last draw straight away if there is a choice).

        Rotations are kept separately for "all prompts" and for each reading. Prompts for
        ``exclude_readings`` (readings the server hid) are not drawn.
        """
        reading_id = clean_reading(reading_id)
        await self.ensure_starters(guild_id)
        scope = "*" if reading_id is None else f"r:{reading_id}"
        where = scope_filter(guild_id, reading_id)
        if exclude_readings:
            where.append(
                or_(Prompt.reading_id.is_(None), Prompt.reading_id.not_in(exclude_readings))
            )
        for _ in range(_RETRIES):
            async with self._sessions() as session:
                drawn = select(PromptDraw.prompt_id).where(
                    PromptDraw.guild_id == guild_id, PromptDraw.scope == scope
                )
                fresh = list(
                    (
                        await session.execute(
                            select(Prompt.id).where(*where, Prompt.id.not_in(drawn))
                        )
                    ).scalars()
                )
                if not fresh:
                    every = list((await session.execute(select(Prompt.id).where(*where))).scalars())
                    if not every:
                        raise NotFound(_no_prompts_message(reading_id))
                    last = (
                        await session.execute(drawn.order_by(PromptDraw.id.desc()).limit(1))
                    ).scalar_one_or_none()
                    fresh = [pid for pid in every if pid != last] or every
                    await session.execute(
                        delete(PromptDraw).where(
                            PromptDraw.guild_id == guild_id, PromptDraw.scope == scope
                        )
                    )
                chosen = self._rng.choice(sorted(fresh))
                session.add(
                    PromptDraw(
                        guild_id=guild_id, scope=scope, prompt_id=chosen, drawn_at=self._clock()
                    )
                )
                try:
                    await session.commit()
                except IntegrityError:
                    # A concurrent draw took the same prompt, or it was deleted meanwhile.
                    await session.rollback()
                    continue
                return PromptInfo.of(await get_prompt(session, guild_id, chosen))
        raise UserError("Too many people are drawing prompts at once; try again in a moment.")

    async def mark_used(
        self, guild_id: int, prompt_id: int, session: datetime | None = None
    ) -> PromptInfo:
        """Mark a prompt as used now, optionally in the session occurrence starting at ``session``."""
        now = self._clock()
        async with self._sessions.begin() as db:
            row = await get_prompt(db, guild_id, prompt_id)
            row.used_at = now
            row.used_in_session = session
            return PromptInfo.of(row)

    async def delete(
        self, guild_id: int, prompt_id: int, actor_id: int, actor_is_organiser: bool
    ) -> PromptInfo:
        """Delete a prompt; only its author or an organiser may."""
        async with self._sessions.begin() as session:
            row = await get_prompt(session, guild_id, prompt_id)
            if not actor_is_organiser and (row.author_id is None or row.author_id != actor_id):
                raise PermissionDenied("Only the prompt's author or an organiser can delete it.")
            info = PromptInfo.of(row)
            await session.execute(
                delete(PromptDraw).where(
                    PromptDraw.guild_id == guild_id, PromptDraw.prompt_id == prompt_id
                )
            )
            await session.delete(row)
        return info

    async def export(self, guild_id: int, fmt: str = "markdown") -> tuple[str, bytes]:
        """The server's prompts as a file: ``(filename, UTF-8 bytes)``, Markdown or CSV."""
        fmt = (fmt or "markdown").strip().lower()
        if fmt in ("md",):
            fmt = "markdown"
        if fmt not in EXPORT_FORMATS:
            raise UserError("Export format must be `markdown` or `csv`.")
        await self.ensure_starters(guild_id)
        async with self._sessions() as session:
            rows = [
                PromptInfo.of(row)
                for row in (
                    await session.execute(
                        select(Prompt).where(Prompt.guild_id == guild_id).order_by(Prompt.id)
                    )
                ).scalars()
            ]
        stamp = self._clock().strftime("%Y-%m-%d")
        if fmt == "csv":
            return f"prompts-{stamp}.csv", to_csv(rows)
        return f"prompts-{stamp}.md", to_markdown(rows, stamp)

    async def unused_for_session(
        self, guild_id: int, reading_id: str | None, limit: int = 3
    ) -> builtins.list[PromptInfo]:
        """Up to ``limit`` never-used prompts for a session thread: members' prompts for the
        reading, then members' general ones, then the reading's starter prompts from the pack;
        oldest first within each. Does not mark them used."""
        reading_id = clean_reading(reading_id)
        limit = max(0, limit)
        if limit == 0:
            return []
        await self.ensure_starters(guild_id)
        base = select(Prompt).where(Prompt.guild_id == guild_id, Prompt.used_at.is_(None))
        scopes: list[ColumnElement[bool]] = [Prompt.reading_id.is_(None)]
        if reading_id is not None:
            scopes.append(Prompt.reading_id == reading_id)
        found: list[Prompt] = []
        async with self._sessions() as session:
            for scope in scopes:
                # Enough of each scope to fill the list whatever the order below keeps.
                found += (
                    await session.execute(
                        base.where(scope).order_by(Prompt.starter, Prompt.id).limit(limit)
                    )
                ).scalars()
        found.sort(key=lambda p: (p.starter, p.reading_id is None, p.id))
        return [PromptInfo.of(row) for row in found[:limit]]

    async def ensure_starters(self, guild_id: int) -> None:
        """Give the server the pack's starter prompts (once; cheap after the first call)."""
        if guild_id in self._seeded or not self._starters:
            return
        await self.seed_starter_prompts(guild_id, self._starters)
        self._seeded.add(guild_id)

    async def seed_starter_prompts(
        self, guild_id: int, prompts_by_reading: Mapping[str | None, Sequence[str]]
    ) -> int:
        """Add the content pack's starter prompts once per server; returns how many were added.

        Idempotent: each starter prompt is remembered (``prompt_seeds``), so seeding again, even
        after an organiser deleted some starters, adds nothing already seeded once.
        Raises ``ValueError`` for a starter prompt over the length limit (a content bug).
        """
        wanted: dict[str, tuple[str | None, str]] = {}
        for reading_id, texts in prompts_by_reading.items():
            reading = clean_reading(reading_id)
            for text in texts:
                try:
                    cleaned = clean_text(text, field="prompt", max_len=PROMPT_MAX_LENGTH)
                except UserError as error:
                    raise ValueError(f"starter prompt for {reading!r}: {error.message}") from None
                wanted[_seed_key(reading, cleaned)] = (reading, cleaned)
        if not wanted:
            return 0
        for _ in range(_RETRIES):
            async with self._sessions() as session:
                seen = set(
                    (
                        await session.execute(
                            select(PromptSeed.seed_key).where(PromptSeed.guild_id == guild_id)
                        )
                    ).scalars()
                )
                missing = [key for key in wanted if key not in seen]
                if not missing:
                    return 0
                now = self._clock()
                try:
                    await session.execute(
                        insert(PromptSeed),
                        [{"guild_id": guild_id, "seed_key": key} for key in missing],
                    )
                    await session.execute(
                        insert(Prompt),
                        [
                            {
                                "guild_id": guild_id,
                                "text": wanted[key][1],
                                "author_id": None,
                                "reading_id": wanted[key][0],
                                "created_at": now,
                                "starter": True,
                            }
                            for key in missing
                        ],
                    )
                    await session.commit()
                except IntegrityError:
                    await session.rollback()  # a concurrent seeding won; look again
                    continue
                return len(missing)
        return 0

    async def anonymise_author(self, guild_id: int, user_id: int) -> int:
        """Privacy deletion: forget ``user_id`` as author of their prompts; returns how many."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Prompt)
                .where(Prompt.guild_id == guild_id, Prompt.author_id == user_id)
                .values(author_id=None)
            )
        return affected_rows(result)


def _no_prompts_message(reading_id: str | None) -> str:
    if reading_id is None:
        return "There are no prompts yet. Add one with `/prompt add`."
    return "There are no prompts for that reading yet. Add one with `/prompt add`."


def _seed_key(reading_id: str | None, text: str) -> str:
    return hashlib.sha256(f"{reading_id or ''}\x00{text}".encode()).hexdigest()
