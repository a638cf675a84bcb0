"""Discussion prompts: /prompt add|list|random|used|delete|export.

Prompts are members' questions for the group, stored per server (``bot.discussion.prompts``).
The content pack's starter prompts are not copied in: session threads fall back to them when a
server has no unused prompts of its own, so members' prompts always come first.
"""

from __future__ import annotations

import io
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.discussion.prompts import PROMPT_MAX_LENGTH, PromptInfo
from bot.errors import NotFound
from bot.text import neutralise_mentions
from bot.ui import library as cards
from bot.ui import limits
from bot.ui.checks import is_organiser
from bot.ui.paginator import Page, send_paged
from bot.ui.views import StudyModal

log = logging.getLogger(__name__)

PAGE_KEY = "prompts"
PER_PAGE = 10
PREVIEW = 280
COLOUR = discord.Colour.teal()


def _guild(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def prompt_embed(prompt: PromptInfo, title: str, reading_title: str | None) -> discord.Embed:
    embed = discord.Embed(title=title, description=prompt.text, colour=COLOUR)
    if reading_title:
        embed.add_field(name="Reading", value=limits.truncate(reading_title, 1024))
    if prompt.author_id is not None:
        embed.add_field(name="Added by", value=f"<@{prompt.author_id}>")
    if prompt.used_at is not None:
        embed.add_field(name="Used", value=discord.utils.format_dt(prompt.used_at, "D"))
    embed.set_footer(text=f"Prompt #{prompt.id}")
    return embed


class PromptModal(StudyModal, title="Add a discussion prompt"):
    text: discord.ui.TextInput[PromptModal] = discord.ui.TextInput(
        label="Your prompt",
        style=discord.TextStyle.paragraph,
        placeholder="A question for the group to discuss",
        max_length=PROMPT_MAX_LENGTH,
    )

    def __init__(self, cog: Prompts, reading_id: str | None) -> None:
        super().__init__()
        self.cog, self.reading_id = cog, reading_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.save(interaction, self.text.value, self.reading_id)


class PromptPages:
    """``/prompt list`` pages; the argument is the reading id (empty: every prompt)."""

    def __init__(self, cog: Prompts) -> None:
        self.cog = cog

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        guild_id = _guild(interaction)
        page = await self.cog.bot.services.prompts.list(
            guild_id, arg or None, page=number + 1, per_page=PER_PAGE
        )
        reading = await self.cog.reading_title(guild_id, arg or None)
        title = "Discussion prompts" + (f" — {reading}" if reading else "")
        if page.items:
            lines = []
            for prompt in page.items:
                used = " *(used)*" if prompt.used_at else ""
                lines.append(f"**#{prompt.id}** {limits.one_line(prompt.text, PREVIEW)}{used}")
            description = "\n".join(lines)
        else:
            description = "No prompts yet. Add one with `/prompt add`."
        embed = discord.Embed(
            title=limits.truncate(title, limits.EMBED_TITLE),
            description=limits.truncate(description, limits.EMBED_DESCRIPTION),
            colour=COLOUR,
        )
        embed.set_footer(
            text=f"{page.total} prompt{'' if page.total == 1 else 's'} · page {page.page}/"
            f"{page.pages} · /prompt random draws one"
        )
        return Page(embed, page.page - 1, page.pages)


@app_commands.guild_only()
class Prompts(commands.GroupCog, group_name="prompt"):
    """Members' discussion prompts, drawn in rotation and exported."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.page_sources[PAGE_KEY] = PromptPages(self)

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(PAGE_KEY, None)

    # ---- helpers ------------------------------------------------------------------------------

    async def reading_id(self, guild_id: int, reading: str | None) -> str | None:
        """The id of the reading a member named (autocomplete sends the id itself)."""
        if reading is None or not reading.strip():
            return None
        return (await self.bot.services.library.reading(guild_id, reading)).id

    async def reading_title(self, guild_id: int, reading_id: str | None) -> str | None:
        if reading_id is None:
            return None
        try:
            return (await self.bot.services.library.reading(guild_id, reading_id)).title
        except NotFound:
            return reading_id  # the reading was removed; its prompts remain

    async def save(
        self, interaction: discord.Interaction, text: str, reading_id: str | None
    ) -> None:
        guild_id = _guild(interaction)
        prompt = await self.bot.services.prompts.add(
            guild_id, interaction.user.id, text, reading_id=reading_id
        )
        embed = prompt_embed(
            prompt, f"Prompt #{prompt.id} saved", await self.reading_title(guild_id, reading_id)
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # ---- commands -----------------------------------------------------------------------------

    @app_commands.command(
        name="add", extras={"example": "/prompt add text:What did the sailors want?"}
    )
    @app_commands.describe(
        text="The question (up to 1000 characters; leave empty for a form with more room)",
        reading="The reading it is about (optional)",
    )
    async def add(
        self, interaction: discord.Interaction, text: str | None = None, reading: str | None = None
    ) -> None:
        """Add a discussion prompt, optionally for a reading."""
        guild_id = _guild(interaction)
        reading_id = await self.reading_id(guild_id, reading)
        if text is None:
            await interaction.response.send_modal(PromptModal(self, reading_id))
            return
        await self.save(interaction, text, reading_id)

    @app_commands.command(name="list", extras={"example": "/prompt list reading:brinton-1970"})
    @app_commands.describe(reading="Only the prompts for this reading")
    async def list_prompts(
        self, interaction: discord.Interaction, reading: str | None = None
    ) -> None:
        """List this server's discussion prompts, page by page."""
        guild_id = _guild(interaction)
        reading_id = await self.reading_id(guild_id, reading)
        await send_paged(interaction, PAGE_KEY, reading_id or "", ephemeral=True)

    @app_commands.command(name="random", extras={"example": "/prompt random"})
    @app_commands.describe(reading="Draw from this reading's prompts only")
    async def random(self, interaction: discord.Interaction, reading: str | None = None) -> None:
        """Draw a prompt; every prompt comes up once before any repeats."""
        guild_id = _guild(interaction)
        reading_id = await self.reading_id(guild_id, reading)
        prompt = await self.bot.services.prompts.random(guild_id, reading_id)
        title = await self.reading_title(guild_id, prompt.reading_id)
        await interaction.response.send_message(
            embed=prompt_embed(prompt, "💬 Discussion prompt", title)
        )

    @app_commands.command(name="used", extras={"example": "/prompt used id:12"})
    @app_commands.rename(prompt_id="id")
    @app_commands.describe(prompt_id="The prompt that was discussed")
    async def used(self, interaction: discord.Interaction, prompt_id: int) -> None:
        """Mark a prompt as used (in the session now running, if any)."""
        guild_id = _guild(interaction)
        session = await self.bot.services.sessions.next(guild_id)
        now = self.bot.clock()
        running = session if session is not None and session.start <= now else None
        prompt = await self.bot.services.prompts.mark_used(
            guild_id, prompt_id, session=running.key if running else None
        )
        where = (
            f" in the session of {discord.utils.format_dt(running.start, 'f')}" if running else ""
        )
        await interaction.response.send_message(
            f"Prompt #{prompt.id} is marked as used{where}.", ephemeral=True
        )

    @app_commands.command(name="delete", extras={"example": "/prompt delete id:12"})
    @app_commands.rename(prompt_id="id")
    @app_commands.describe(prompt_id="The prompt to delete (yours, or any if you organise)")
    async def delete(self, interaction: discord.Interaction, prompt_id: int) -> None:
        """Delete a prompt you added (organisers: any prompt)."""
        prompt = await self.bot.services.prompts.delete(
            _guild(interaction), prompt_id, interaction.user.id, await is_organiser(interaction)
        )
        await interaction.response.send_message(
            neutralise_mentions(
                f"Deleted prompt #{prompt.id}: {limits.one_line(prompt.text, 200)}"
            ),
            ephemeral=True,
        )

    @app_commands.command(name="export", extras={"example": "/prompt export format:csv"})
    @app_commands.rename(fmt="format")
    @app_commands.describe(fmt="Markdown (readable) or CSV (spreadsheets)")
    async def export(
        self, interaction: discord.Interaction, fmt: Literal["markdown", "csv"] = "markdown"
    ) -> None:
        """Download this server's prompts and the sessions that used them."""
        guild_id = _guild(interaction)
        filename, data = await self.bot.services.prompts.export(guild_id, fmt)
        await interaction.response.send_message(
            f"This server's discussion prompts ({fmt}).",
            file=discord.File(io.BytesIO(data), filename=filename),
            ephemeral=True,
        )

    # ---- autocomplete -------------------------------------------------------------------------

    @used.autocomplete("prompt_id")
    @delete.autocomplete("prompt_id")
    async def prompt_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        found = await self.bot.services.prompts.search(interaction.guild_id, current)
        return [
            app_commands.Choice(
                name=limits.one_line(f"#{p.id} {p.text}", limits.CHOICE_NAME), value=p.id
            )
            for p in found[: limits.CHOICES]
        ]

    @add.autocomplete("reading")
    @list_prompts.autocomplete("reading")
    @random.autocomplete("reading")
    async def reading_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return cards.choices(
            await self.bot.services.library.complete_readings(interaction.guild_id, current)
        )


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Prompts(bot))
