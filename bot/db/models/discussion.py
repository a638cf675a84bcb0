"""Discussion prompts and bot-run polls (see ``bot.discussion``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false, text

from bot.db.models.base import Base
from bot.db.types import UtcDateTime


class Prompt(Base):
    """A discussion question a member (or the content pack) wrote for the group."""

    __tablename__ = "prompts"
    __table_args__ = (Index("ix_prompts_guild_reading", "guild_id", "reading_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    # NULL for starter prompts and after a privacy deletion anonymised the author.
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    reading_id: Mapped[str | None] = mapped_column(String(100))
    # The session occurrence (its start, UTC) the prompt was written for, if any.
    session_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The session occurrence (its start, UTC) that used the prompt, if known.
    used_in_session: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Seeded from the content pack's starter prompts (not written by a member).
    starter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PromptDraw(Base):
    """``/prompt random`` has drawn this prompt in the current rotation of ``scope``.

    ``scope`` is ``"*"`` (all of the server's prompts) or ``"r:<reading id>"``. When every prompt
    in a scope has a marker, the markers are cleared and a new rotation starts.
    """

    __tablename__ = "prompt_draws"
    __table_args__ = (UniqueConstraint("guild_id", "scope", "prompt_id"),)

    # Autoincrement id orders the draws, so the last draw of a rotation is known even when the
    # clock did not move between draws.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    scope: Mapped[str] = mapped_column(String(110))
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"))
    drawn_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PromptSeed(Base):
    """A starter prompt from the content pack was seeded once; survives its prompt's deletion."""

    __tablename__ = "prompt_seeds"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seed_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class Poll(Base):
    """A bot-run poll: options in ``poll_options``, one ballot per member in ``poll_ballots``."""

    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint("kind IN ('single', 'multiple', 'ranked', 'time')", name="kind"),
        Index("ix_polls_open", "closed_at", "closes_at"),
        Index("uq_polls_guild_number", "guild_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # What members call the poll: 1, 2, 3... per server (``id`` is global and internal).
    # The server default only fills rows that existed before numbers (then renumbered).
    number: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # NULL after a privacy deletion anonymised the creator.
    creator_id: Mapped[int | None] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    hide_results: Mapped[bool] = mapped_column(Boolean)
    # Per-poll HMAC key (hex) for anonymous ballots; erased at close so nobody can ever test
    # afterwards whether a given member voted.
    voter_salt: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Discord's own poll: Discord counts the votes; the row numbers it and finds its message.
    native: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    # Optional machine value: a reading id for next-reading polls, an ISO UTC slot for time polls.
    payload: Mapped[str | None] = mapped_column(String(100))


class PollBallot(Base):
    """One member's current ballot; the unique key makes "one ballot per member" hold."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "voter_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    # str(user id) for open polls; HMAC-SHA256(poll salt, user id) hex for anonymous ones.
    voter_key: Mapped[str] = mapped_column(String(64))
    # Always NULL for anonymous polls.
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    cast_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PollVote(Base):
    """One choice on a ballot (``rank`` 1 = first preference for ranked polls, else NULL)."""

    __tablename__ = "poll_votes"
    __table_args__ = (
        UniqueConstraint("ballot_id", "option_id"),
        Index("ix_poll_votes_poll", "poll_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("poll_ballots.id", ondelete="CASCADE"))
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"))
    rank: Mapped[int | None] = mapped_column(Integer)
