"""The Discord ids made for each occurrence: its event, thread and announcement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import SessionOccurrenceLink
from bot.scheduling.sessions.values import OccurrenceLinks

LINK_FIELDS = frozenset(
    {"event_id", "thread_id", "announcement_channel_id", "announcement_message_id"}
)


class LinkBook:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def link(
        self, guild_id: int, schedule_id: int, key: datetime, **ids: int | None
    ) -> OccurrenceLinks:
        """Remember Discord ids made for an occurrence: event_id, thread_id,
        announcement_channel_id, announcement_message_id (only the given ones change)."""
        if unknown := set(ids) - LINK_FIELDS:
            raise TypeError(f"unknown link fields: {sorted(unknown)}")
        for attempt in range(2):
            try:
                async with self._session_factory() as s, s.begin():
                    row = await s.scalar(_row_of(guild_id, schedule_id, key))
                    if row is None:
                        row = SessionOccurrenceLink(
                            guild_id=guild_id, schedule_id=schedule_id, occurrence_start=key
                        )
                        s.add(row)
                    for name, value in ids.items():
                        setattr(row, name, value)
                    await s.flush()
                    return _links(row)
            except IntegrityError:
                # Two handlers (announcement, event sync) linked the same new occurrence at
                # once and the other insert won: the second attempt updates that row.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def links(self, guild_id: int, schedule_id: int, key: datetime) -> OccurrenceLinks:
        async with self._session_factory() as s:
            row = await s.scalar(_row_of(guild_id, schedule_id, key))
            return OccurrenceLinks() if row is None else _links(row)


def _row_of(guild_id: int, schedule_id: int, key: datetime) -> Select[tuple[SessionOccurrenceLink]]:
    return select(SessionOccurrenceLink).where(
        SessionOccurrenceLink.guild_id == guild_id,
        SessionOccurrenceLink.schedule_id == schedule_id,
        SessionOccurrenceLink.occurrence_start == key,
    )


def _links(row: SessionOccurrenceLink) -> OccurrenceLinks:
    return OccurrenceLinks(
        row.event_id, row.thread_id, row.announcement_channel_id, row.announcement_message_id
    )
