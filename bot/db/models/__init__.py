"""All models, imported here so ``Base.metadata`` knows every table."""

from bot.db.models.base import Base
from bot.db.models.guild import GuildChannel, GuildSettings

__all__ = ["Base", "GuildChannel", "GuildSettings"]
