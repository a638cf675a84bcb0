"""The library's per-server data: syllabus start and week assignments, readings and excerpts
added by organisers, and members' reading progress. Every table is keyed by ``guild_id``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UtcDateTime

READING_ID_LENGTH = 64


class LibrarySyllabus(Base):
    """When week 1 of a server's syllabus starts (set on first use, changeable)."""

    __tablename__ = "library_syllabus"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    start_date: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LibraryAssignment(Base):
    """An organiser's choice of week for a reading (overrides the pack's default order);
    ``week`` is NULL when an organiser took the reading out of every week."""

    __tablename__ = "library_assignments"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reading_id: Mapped[str] = mapped_column(String(READING_ID_LENGTH), primary_key=True)
    week: Mapped[int | None] = mapped_column(Integer)
    assigned_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LibraryReading(Base):
    """A reading an organiser added for their own server."""

    __tablename__ = "library_readings"
    __table_args__ = (UniqueConstraint("guild_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    slug: Mapped[str] = mapped_column(String(READING_ID_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    authors: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    added_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LibraryProgress(Base):
    """A member marked a reading as done."""

    __tablename__ = "library_progress"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reading_id: Mapped[str] = mapped_column(String(READING_ID_LENGTH), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LibraryExcerpt(Base):
    """A quotation an organiser added for their own server (searchable there only)."""

    __tablename__ = "library_excerpts"
    __table_args__ = (Index("ix_library_excerpts_guild_id", "guild_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    author: Mapped[str] = mapped_column(String(200))
    work: Mapped[str] = mapped_column(String(300))
    date_text: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    reading_id: Mapped[str | None] = mapped_column(String(READING_ID_LENGTH), default=None)
    added_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LibraryHidden(Base):
    """A pack reading an organiser removed from their server (pack content is shared, so it is
    hidden rather than deleted; assigning it to a week again brings it back)."""

    __tablename__ = "library_hidden"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reading_id: Mapped[str] = mapped_column(String(READING_ID_LENGTH), primary_key=True)
    hidden_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    hidden_at: Mapped[datetime] = mapped_column(UtcDateTime())
