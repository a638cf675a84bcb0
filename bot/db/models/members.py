"""Each member's own rhythm: their time zone, repeating reminders, chapter progress and the
per-chapter discussion threads. Every table is keyed by ``guild_id`` (a member's settings in
one server say nothing about another), and ``/privacy delete-my-data`` removes a member's rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.models.library import READING_ID_LENGTH
from bot.db.types import UtcDateTime


class MemberSettings(Base):
    """A member's own time zone in one server (``None`` rows are deleted, not kept)."""

    __tablename__ = "member_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecurringReminder(Base):
    """A ``/remind every`` series. Its id is the id of its first timer row, so one number space
    names one-off reminders and series alike (``/remind delete`` takes either)."""

    __tablename__ = "recurring_reminders"
    __table_args__ = (Index("ix_recurring_reminders_member", "guild_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(100))  # as typed; re-parsed when due
    text: Mapped[str] = mapped_column(Text)
    zone: Mapped[str] = mapped_column(String(64))  # fixed when created: the rule's wall clock
    anchor: Mapped[date] = mapped_column(Date)  # local date the series counts its weeks from
    channel_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    until: Mapped[date | None] = mapped_column(Date, default=None)
    count: Mapped[int | None] = mapped_column(Integer, default=None)
    fired: Mapped[int] = mapped_column(Integer, default=0)  # how many times it has gone off
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReadingPartsOverride(Base):
    """An organiser's split of a reading into parts (replaces the pack's parts, if any)."""

    __tablename__ = "reading_parts"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reading_id: Mapped[str] = mapped_column(String(READING_ID_LENGTH), primary_key=True)
    parts: Mapped[str] = mapped_column(Text)  # one part title per line
    set_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PartProgress(Base):
    """A member finished one part (1-based) of a reading."""

    __tablename__ = "part_progress"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reading_id: Mapped[str] = mapped_column(String(READING_ID_LENGTH), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    done_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PartThread(Base):
    """The discussion thread opened for one part of a reading (the newest one wins)."""

    __tablename__ = "part_threads"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reading_id: Mapped[str] = mapped_column(String(READING_ID_LENGTH), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
