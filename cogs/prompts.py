"""Discussion prompts: /prompt add|list|random|used|delete|export.

Prompts are members' questions for the group, stored per server (``bot.discussion.prompts``).
Each server also gets the content pack's starter prompts, marked as such, the first time it
looks: they are drawn, used and deleted (hidden for good) like any prompt.
"""

from __future__ import annotations

import io
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.text import neutralise_mentions
from bot.types import guild_id_of
from bot.ui import library as cards
from bot.ui import limits
from bot.ui.checks import is_organiser
from bot.ui.paginator import send_paged
from bot.ui.prompts import (
    PAGE_KEY,
    PromptModal,
    PromptPages,
    prompt_embed,
    reading_id_of,
    reading_title,
    save_prompt,
)


@app_commands.guild_only()
class Prompts(commands.GroupCog, group_name="prompt"):
    """Members' discussion prompts, drawn in rotation and exported."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.page_sources[PAGE_KEY] = PromptPages()

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(PAGE_KEY, None)

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
        guild_id = guild_id_of(interaction)
        reading_id = await reading_id_of(self.bot, guild_id, reading)
        if text is None:
            await interaction.response.send_modal(PromptModal(reading_id))
            return
        await save_prompt(interaction, text, reading_id)

    @app_commands.command(name="list", extras={"example": "/prompt list reading:brinton-1970"})
    @app_commands.describe(reading="Only the prompts for this reading")
    async def list_prompts(
        self, interaction: discord.Interaction, reading: str | None = None
    ) -> None:
        """List this server's discussion prompts, page by page."""
        guild_id = guild_id_of(interaction)
        reading_id = await reading_id_of(self.bot, guild_id, reading)
        await send_paged(interaction, PAGE_KEY, reading_id or "", ephemeral=True)

    @app_commands.command(name="random", extras={"example": "/prompt random"})
    @app_commands.describe(reading="Draw from this reading's prompts only")
    async def random(self, interaction: discord.Interaction, reading: str | None = None) -> None:
        """Draw a prompt; every prompt comes up once before any repeats."""
        guild_id = guild_id_of(interaction)
        reading_id = await reading_id_of(self.bot, guild_id, reading)
        hidden = await self.bot.services.library.hidden_readings(guild_id)
        prompt = await self.bot.services.prompts.random(guild_id, reading_id, hidden)
        title = await reading_title(self.bot, guild_id, prompt.reading_id)
        await interaction.response.send_message(
            embed=prompt_embed(prompt, "💬 Discussion prompt", title)
        )

    @app_commands.command(name="used", extras={"example": "/prompt used id:12"})
    @app_commands.rename(prompt_id="id")
    @app_commands.describe(prompt_id="The prompt that was discussed")
    async def used(self, interaction: discord.Interaction, prompt_id: int) -> None:
        """Mark a prompt as used (in the session now running, if any)."""
        guild_id = guild_id_of(interaction)
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
            guild_id_of(interaction),
            prompt_id,
            interaction.user.id,
            await is_organiser(interaction),
        )
        hidden = " It was a starter prompt: it will not come back." if prompt.starter else ""
        await interaction.response.send_message(
            neutralise_mentions(
                f"Deleted prompt #{prompt.id}: {limits.one_line(prompt.text, 200)}{hidden}"
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
        guild_id = guild_id_of(interaction)
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
