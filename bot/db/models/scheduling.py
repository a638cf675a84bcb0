"""Tables for timers, weekly sessions, RSVPs and reminder settings."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UtcDateTime


class Timer(Base):
    """One timed action. Claimed (pending -> running) in a transaction before it runs."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_status_due_at", "status", "due_at"),
        # Pending timers of some kinds: of one server (session sync, reminder lists) or of all
        # (recurring reminders at start-up), without reading the other kinds' rows.
        Index("ix_timers_kind_status_guild", "kind", "status", "guild_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Who the timer is for (personal reminders), so a member's list needs no JSON query.
    owner_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SessionSchedule(Base):
    """A server's weekly meeting. At most one per server is active; old ones keep their RSVPs."""

    __tablename__ = "session_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    local_time: Mapped[time] = mapped_column(Time)
    zone: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    announce_before_minutes: Mapped[int] = mapped_column(Integer, default=3 * 24 * 60)
    reading_post_weekday: Mapped[int | None] = mapped_column(Integer, default=None)
    reading_post_time: Mapped[time | None] = mapped_column(Time, default=None)
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class SessionSkip(Base):
    """A local date on which the weekly session does not happen."""

    __tablename__ = "session_skips"
    __table_args__ = (UniqueConstraint("schedule_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("session_schedules.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)


class SessionMove(Base):
    """The occurrence of ``local_date`` happens at another local date and time instead."""

    __tablename__ = "session_moves"
    __table_args__ = (UniqueConstraint("schedule_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("session_schedules.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    new_date: Mapped[date] = mapped_column(Date)
    new_time: Mapped[time] = mapped_column(Time)


class SessionRsvp(Base):
    """A member's answer for one occurrence (keyed by its original UTC start)."""

    __tablename__ = "session_rsvps"
    __table_args__ = (UniqueConstraint("schedule_id", "occurrence_start", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("session_schedules.id", ondelete="CASCADE"))
    occurrence_start: Mapped[datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8))  # going / maybe / cant
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SessionAttendance(Base):
    """Who attended an occurrence (recorded from Going RSVPs when it starts)."""

    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("schedule_id", "occurrence_start", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("session_schedules.id", ondelete="CASCADE"))
    occurrence_start: Mapped[datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SessionOccurrenceLink(Base):
    """Discord objects made for one occurrence: scheduled event, thread, announcement message."""

    __tablename__ = "session_occurrence_links"
    __table_args__ = (UniqueConstraint("schedule_id", "occurrence_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("session_schedules.id", ondelete="CASCADE"))
    occurrence_start: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    thread_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    announcement_channel_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    announcement_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class ReminderSettings(Base):
    """How a server is reminded of sessions."""

    __tablename__ = "reminder_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    offsets_minutes: Mapped[list[int]] = mapped_column(JSON, default=lambda: [24 * 60, 60])
    delivery: Mapped[str] = mapped_column(String(8), default="dm")  # role / dm
    role_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    nudge: Mapped[bool] = mapped_column(Boolean, default=False)


class ReminderOptIn(Base):
    """A member who asked for session reminders by DM."""

    __tablename__ = "reminder_optins"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ShardLease(Base):
    """Which process dispatches the timers of one shard, until when (see timers/leases.py)."""

    __tablename__ = "shard_leases"

    shard_key: Mapped[str] = mapped_column(String(32), primary_key=True)  # "<count>:<id>"
    holder: Mapped[str] = mapped_column(String(64))
    configured: Mapped[bool] = mapped_column(Boolean, default=True)  # False: taken over
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CalendarFeed(Base):
    """A server's subscribable calendar: the link's secret is never stored, only its hash.

    The link's token is derived from ``nonce`` and the bot's feed secret, so it can be shown
    again; resetting draws a new nonce, which retires the old link. ``content_hash`` and
    ``content_changed_at`` give calendar apps a stable ETag and Last-Modified.
    """

    __tablename__ = "calendar_feeds"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    content_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
