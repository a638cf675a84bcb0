"""Discussion prompts: add, list, draw at random in rotation, mark used, export, privacy.

Every query filters by ``guild_id``: an id from another server behaves exactly like an id that
does not exist (:class:`NotFound`), so nothing leaks across servers.
"""

from __future__ import annotations

import builtins
import csv
import hashlib
import io
import math
import random as random_module
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.models.discussion import Prompt, PromptDraw, PromptSeed
from bot.discussion.text import clean_text
from bot.errors import NotFound, PermissionDenied, UserError

PROMPT_MAX_LENGTH = 1000  # fits an embed field value (1024) as well as a description
MAX_PER_PAGE = 25
EXPORT_FORMATS = ("markdown", "csv")
_RETRIES = 5
_INSERT_PROMPT = insert(Prompt.__table__)
MAX_ID = 2**31 - 1  # prompts.id is a 32-bit INTEGER
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PromptInfo:
    id: int
    guild_id: int
    text: str
    author_id: int | None
    reading_id: str | None
    session_at: datetime | None
    created_at: datetime
    used_at: datetime | None
    used_in_session: datetime | None

    @classmethod
    def of(cls, row: Prompt) -> PromptInfo:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            text=row.text,
            author_id=row.author_id,
            reading_id=row.reading_id,
            session_at=row.session_at,
            created_at=row.created_at,
            used_at=row.used_at,
            used_in_session=row.used_in_session,
        )


@dataclass(frozen=True)
class PromptPage:
    items: tuple[PromptInfo, ...]
    page: int  # 1-based, clamped to the pages that exist
    pages: int  # at least 1, even when there are no prompts
    total: int


class PromptService:
    """Members' discussion prompts for one bot (all servers), stored in the database."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        rng: random_module.Random | None = None,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._rng = rng or random_module.Random()
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
        reading_id = _clean_reading(reading_id)
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
        prompt_id = result.inserted_primary_key[0]
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
            return PromptInfo.of(await _get(session, guild_id, prompt_id))

    async def list(
        self,
        guild_id: int,
        reading_id: str | None = None,
        page: int = 1,
        per_page: int = 10,
    ) -> PromptPage:
        """One page of the server's prompts (oldest first), optionally for one reading."""
        per_page = max(1, min(MAX_PER_PAGE, per_page))
        where = _scope_filter(guild_id, reading_id)
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

    async def random(self, guild_id: int, reading_id: str | None = None) -> PromptInfo:
        """Draw a prompt no draw in this rotation has returned yet; when all have been drawn,
        start a new rotation (never repeating the last draw straight away if there is a choice).

        Rotations are kept separately for "all prompts" and for each reading.
        """
        reading_id = _clean_reading(reading_id)
        scope = "*" if reading_id is None else f"r:{reading_id}"
        where = _scope_filter(guild_id, reading_id)
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
                return PromptInfo.of(await _get(session, guild_id, chosen))
        raise UserError("Too many people are drawing prompts at once; try again in a moment.")

    async def mark_used(
        self, guild_id: int, prompt_id: int, session: datetime | None = None
    ) -> PromptInfo:
        """Mark a prompt as used now, optionally in the session occurrence starting at ``session``."""
        now = self._clock()
        async with self._sessions.begin() as db:
            row = await _get(db, guild_id, prompt_id)
            row.used_at = now
            row.used_in_session = session
            return PromptInfo.of(row)

    async def delete(
        self, guild_id: int, prompt_id: int, actor_id: int, actor_is_organiser: bool
    ) -> PromptInfo:
        """Delete a prompt; only its author or an organiser may."""
        async with self._sessions.begin() as session:
            row = await _get(session, guild_id, prompt_id)
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
            return f"prompts-{stamp}.csv", _to_csv(rows)
        return f"prompts-{stamp}.md", _to_markdown(rows, stamp)

    async def unused_for_session(
        self, guild_id: int, reading_id: str | None, limit: int = 3
    ) -> builtins.list[PromptInfo]:
        """Up to ``limit`` never-used prompts for a session thread: the reading's own prompts
        first, then general ones (no reading); oldest first. Does not mark them used."""
        reading_id = _clean_reading(reading_id)
        limit = max(0, limit)
        if limit == 0:
            return []
        base = select(Prompt).where(Prompt.guild_id == guild_id, Prompt.used_at.is_(None))
        async with self._sessions() as session:
            found: list[Prompt] = []
            if reading_id is not None:
                found += (
                    await session.execute(
                        base.where(Prompt.reading_id == reading_id).order_by(Prompt.id).limit(limit)
                    )
                ).scalars()
            if len(found) < limit:
                found += (
                    await session.execute(
                        base.where(Prompt.reading_id.is_(None))
                        .order_by(Prompt.id)
                        .limit(limit - len(found))
                    )
                ).scalars()
        return [PromptInfo.of(row) for row in found]

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
            reading = _clean_reading(reading_id)
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
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _get(session: AsyncSession, guild_id: int, prompt_id: int) -> Prompt:
    if not 0 < prompt_id <= MAX_ID:
        # Ids are 32-bit: PostgreSQL would refuse a larger number instead of finding nothing.
        raise NotFound(f"There is no prompt #{prompt_id} in this server.")
    row = (
        await session.execute(
            select(Prompt).where(Prompt.id == prompt_id, Prompt.guild_id == guild_id)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no prompt #{prompt_id} in this server.")
    return row


def _scope_filter(guild_id: int, reading_id: str | None) -> list:
    where = [Prompt.guild_id == guild_id]
    if reading_id is not None:
        where.append(Prompt.reading_id == reading_id)
    return where


def _clean_reading(reading_id: str | None) -> str | None:
    if reading_id is None:
        return None
    reading_id = reading_id.strip()
    if not reading_id:
        return None
    if len(reading_id) > 100:
        raise UserError("That reading id is too long; pick a reading from the list.")
    return reading_id


def _no_prompts_message(reading_id: str | None) -> str:
    if reading_id is None:
        return "There are no prompts yet. Add one with `/prompt add`."
    return "There are no prompts for that reading yet. Add one with `/prompt add`."


def _seed_key(reading_id: str | None, text: str) -> str:
    return hashlib.sha256(f"{reading_id or ''}\x00{text}".encode()).hexdigest()


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ (or tab/CR) is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _to_csv(rows: Sequence[PromptInfo]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "text", "reading", "author_id", "created_at", "used_at", "used_in_session"]
    )
    for row in rows:
        writer.writerow(
            [
                row.id,
                _spreadsheet_safe(row.text),
                _spreadsheet_safe(row.reading_id or ""),
                "" if row.author_id is None else row.author_id,
                _iso(row.created_at),
                _iso(row.used_at),
                _iso(row.used_in_session),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _to_markdown(rows: Sequence[PromptInfo], stamp: str) -> bytes:
    lines = [f"# Discussion prompts (exported {stamp})", ""]
    if not rows:
        lines.append("_No prompts yet._")
    groups: dict[str | None, list[PromptInfo]] = {}
    for row in rows:
        groups.setdefault(row.reading_id, []).append(row)
    for reading_id in sorted(groups, key=lambda key: (key is not None, key or "")):
        lines += [f"## {'General' if reading_id is None else 'Reading: ' + reading_id}", ""]
        for row in groups[reading_id]:
            body = row.text.replace("\r", "").replace("\n", "\n  ")
            if row.used_at is None:
                status = "unused"
            elif row.used_in_session is not None:
                status = f"used in the session of {row.used_in_session:%Y-%m-%d %H:%M} UTC"
            else:
                status = f"used {row.used_at:%Y-%m-%d}"
            lines.append(f"- **#{row.id}** {body}  \n  _{status}_")
        lines.append("")
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
