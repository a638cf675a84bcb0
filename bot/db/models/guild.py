"""Per-server settings: the first tables of the schema."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base


class GuildSettings(Base):
    """One row per Discord server that has used the bot."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    organiser_role_id: Mapped[int | None] = mapped_column(BigInteger, default=None)

    channels: Mapped[list[GuildChannel]] = relationship(
        back_populates="guild", cascade="all, delete-orphan", lazy="selectin"
    )


class GuildChannel(Base):
    """A channel configured for a purpose (sessions, readings, reminders, log...)."""

    __tablename__ = "guild_channels"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)

    guild: Mapped[GuildSettings] = relationship(back_populates="channels")
