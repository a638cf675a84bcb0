"""All models, imported here so ``Base.metadata`` knows every table."""

from bot.db.models import discussion as discussion  # registers the prompt and poll tables
from bot.db.models import library as library  # registers the library tables
from bot.db.models import members as members  # registers the per-member tables
from bot.db.models import scheduling as scheduling  # registers the scheduling tables
from bot.db.models import search as search  # registers the search and chat-cooldown tables
from bot.db.models.base import Base
from bot.db.models.guild import GuildChannel, GuildSettings

__all__ = ["Base", "GuildChannel", "GuildSettings"]
