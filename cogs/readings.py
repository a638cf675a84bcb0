"""The syllabus: /reading list|current|info|assign|unassign|add|edit|remove|done|progress|parts."""

from __future__ import annotations

from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.library.readings import READING_LIMITS
from bot.library.service import LibraryService
from bot.types import guild_id_of
from bot.ui import embeds
from bot.ui import library as cards
from bot.ui import progress as progress_ui
from bot.ui.checks import organiser_only, require_organiser
from bot.ui.paginator import Page, send_paged
from bot.ui.syllabus_edit import (
    confirm_removal,
    moved_text,
    open_edit_form,
    server_entry_choices,
)
from bot.ui.views import StudyModal

SYLLABUS_PAGES = "syllabus"


class ReadingContext:
    """What every reading command needs: the service and the server's local date."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    @property
    def library(self) -> LibraryService:
        return self.bot.services.library

    async def today(self, guild_id: int) -> date:
        """Today in the server's time zone: a week starting on Monday starts on *its* Monday."""
        return await self.bot.guild_config.local_date(guild_id, self.bot.clock())

    async def syllabus_pages(self, guild_id: int) -> tuple[list[discord.Embed], int]:
        syllabus = await self.library.syllabus(guild_id, await self.today(guild_id))
        return cards.syllabus_pages(syllabus, f"Reading list — {self.bot.content.meta.name}")


class SyllabusPages:
    """Page source for /reading list (the server comes from the click, not the button)."""

    def __init__(self, context: ReadingContext) -> None:
        self.context = context

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        if interaction.guild_id is None:
            raise UserError("The reading list belongs to a server; open it there.")
        pages, _ = await self.context.syllabus_pages(interaction.guild_id)
        return embeds.page_of(pages, number)


class AddReadingModal(StudyModal, title="Add a reading"):
    title_input: discord.ui.TextInput[AddReadingModal] = discord.ui.TextInput(
        label="Title", custom_id="title", max_length=READING_LIMITS["title"]
    )
    authors: discord.ui.TextInput[AddReadingModal] = discord.ui.TextInput(
        label="Author(s), editor(s) or group",
        custom_id="authors",
        placeholder="e.g. Maurice Brinton",
        max_length=READING_LIMITS["authors"],
    )
    year: discord.ui.TextInput[AddReadingModal] = discord.ui.TextInput(
        label="Year (optional)",
        custom_id="year",
        placeholder="e.g. 1970",
        required=False,
        max_length=4,
    )
    url: discord.ui.TextInput[AddReadingModal] = discord.ui.TextInput(
        label="Link (optional)",
        custom_id="url",
        placeholder="https://…",
        required=False,
        max_length=READING_LIMITS["url"],
    )
    summary: discord.ui.TextInput[AddReadingModal] = discord.ui.TextInput(
        label="Summary (optional)",
        custom_id="summary",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=READING_LIMITS["summary"],
    )

    def __init__(self, context: ReadingContext) -> None:
        super().__init__()
        self.context = context

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)  # the role may have gone since the form opened
        guild_id = guild_id_of(interaction)
        year_text = self.year.value.strip()
        if year_text and not year_text.isdecimal():
            raise UserError(f"The year should be a number such as 1921, not {year_text[:10]!r}.")
        card = await self.context.library.add_reading(
            guild_id,
            interaction.user.id,
            title=self.title_input.value,
            authors=self.authors.value,
            year=int(year_text) if year_text else None,
            url=self.url.value,
            summary=self.summary.value,
        )
        embed = cards.reading_embed(card, done=0)
        await interaction.response.send_message(
            f"Added *{embeds.clip(card.title, 300)}* to this server's readings. "
            "Put it in a week with `/reading assign`.",
            embed=embed,
            ephemeral=True,
        )


@app_commands.guild_only()
class Readings(commands.GroupCog, group_name="reading"):
    """The syllabus: what to read when, reading cards and progress."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        self.context = ReadingContext(bot)
        super().__init__()

    @property
    def library(self) -> LibraryService:
        return self.bot.services.library

    async def cog_load(self) -> None:
        self.bot.page_sources[SYLLABUS_PAGES] = SyllabusPages(self.context)

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(SYLLABUS_PAGES, None)

    @app_commands.command(name="list", extras={"example": "/reading list"})
    async def list_readings(self, interaction: discord.Interaction) -> None:
        """The syllabus week by week, with dates and readings."""
        guild_id = guild_id_of(interaction)
        _, current_page = await self.context.syllabus_pages(guild_id)
        await send_paged(interaction, SYLLABUS_PAGES, number=current_page)

    @app_commands.command(name="current", extras={"example": "/reading current"})
    async def current(self, interaction: discord.Interaction) -> None:
        """This week's reading assignment."""
        guild_id = guild_id_of(interaction)
        today = await self.context.today(guild_id)
        syllabus = await self.library.syllabus(guild_id, today)
        week = syllabus.current
        last_week = max((w.number for w in syllabus.weeks), default=0)
        embed = cards.current_embed(week, last_week=last_week)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="info", extras={"example": "/reading info reading:Brinton"})
    @app_commands.describe(reading="Title, author or alias of the reading")
    @app_commands.autocomplete(reading=cards.reading_choices)
    async def info(self, interaction: discord.Interaction, reading: str) -> None:
        """A reading's card: authors, summary, where to read it and its week."""
        guild_id = guild_id_of(interaction)
        card = await self.library.reading(guild_id, reading)
        done = await self.library.done_count(guild_id, card.id)
        label, starts = None, None
        if card.week:
            week = await self.library.week(guild_id, card.week, await self.context.today(guild_id))
            label, starts = week.label, week.starts
        embed = cards.reading_embed(card, done=done, week_label=label, week_starts=starts)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(
        name="assign",
        extras={"example": "/reading assign reading:Brinton week:2", "organiser": True},
    )
    @app_commands.describe(reading="The reading to schedule", week="Syllabus week, 1 to 52")
    @app_commands.autocomplete(reading=cards.reading_choices)
    @organiser_only()
    async def assign(self, interaction: discord.Interaction, reading: str, week: int) -> None:
        """Put a reading in a week of this server's syllabus, or move it to another week."""
        guild_id = guild_id_of(interaction)
        before = await self.library.reading_including_hidden(guild_id, reading)
        restored = await self.library.is_hidden(guild_id, before.id)
        card = await self.library.assign(guild_id, before.id, week, by=interaction.user.id)
        label = self.bot.content.meta.week_labels.get(week)
        await interaction.response.send_message(
            moved_text(card, before.week, restored, label), ephemeral=True
        )

    @app_commands.command(
        name="unassign",
        extras={"example": "/reading unassign reading:Brinton", "organiser": True},
    )
    @app_commands.describe(reading="The reading to take out of its week")
    @app_commands.autocomplete(reading=cards.reading_choices)
    @organiser_only()
    async def unassign(self, interaction: discord.Interaction, reading: str) -> None:
        """Take a reading out of its week (it stays on the server, not scheduled)."""
        guild_id = guild_id_of(interaction)
        card, week = await self.library.unassign(guild_id, reading, by=interaction.user.id)
        await interaction.response.send_message(
            f"*{embeds.clip(card.title, 300)}* is no longer in week {week}; `/reading list` shows "
            "it under *Not scheduled yet*. Put it back with `/reading assign`.",
            ephemeral=True,
        )

    @app_commands.command(
        name="edit",
        extras={"example": "/reading edit reading:my-disillusionment", "organiser": True},
    )
    @app_commands.describe(
        reading="A reading this server added (pack readings can't be edited)",
        excerpt="Or an excerpt this server added (g1, g2, ...)",
    )
    @organiser_only()
    async def edit(
        self,
        interaction: discord.Interaction,
        reading: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        """Correct a reading or excerpt this server added (a form with today's values)."""
        await open_edit_form(interaction, reading, excerpt)

    @edit.autocomplete("reading")
    async def edit_reading_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await server_entry_choices(interaction, current, excerpts=False)

    @edit.autocomplete("excerpt")
    async def edit_excerpt_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await server_entry_choices(interaction, current, excerpts=True)

    @app_commands.command(
        name="remove",
        extras={"example": "/reading remove reading:Brinton", "organiser": True},
    )
    @app_commands.describe(reading="The reading to delete (yours) or hide (the pack's)")
    @app_commands.autocomplete(reading=cards.reading_choices)
    @organiser_only()
    async def remove(self, interaction: discord.Interaction, reading: str) -> None:
        """Remove a reading from this server, after saying what it touches."""
        await confirm_removal(interaction, reading)

    @app_commands.command(name="add", extras={"example": "/reading add", "organiser": True})
    @organiser_only()
    async def add(self, interaction: discord.Interaction) -> None:
        """Add a reading to this server's list (opens a form)."""
        await interaction.response.send_modal(AddReadingModal(self.context))

    @app_commands.command(
        name="done", extras={"example": "/reading done reading:Brinton part:2", "organiser": False}
    )
    @app_commands.describe(
        reading="The reading you have finished (or are reading)",
        part="For a reading in parts: the part you have just finished",
    )
    @app_commands.autocomplete(reading=cards.reading_choices)
    @app_commands.autocomplete(part=progress_ui.part_choices)
    async def done(
        self,
        interaction: discord.Interaction,
        reading: str,
        part: app_commands.Range[int, 1, 20] | None = None,
    ) -> None:
        """Mark a reading (or one part of it) done; see the discussion threads you are ready for."""
        guild_id = guild_id_of(interaction)
        text = await progress_ui.done_reply(self.bot, guild_id, interaction.user.id, reading, part)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="progress", extras={"example": "/reading progress", "organiser": False}
    )
    async def progress(self, interaction: discord.Interaction) -> None:
        """Your readings and parts done, the group's spread, your weeks and your streak."""
        guild_id = guild_id_of(interaction)
        embed = await progress_ui.progress_embed(self.bot, guild_id, interaction.user.id)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="parts",
        extras={
            "example": '/reading parts reading:Brinton parts:"pp. 1-45 | pp. 46-90"',
            "organiser": True,
        },
    )
    @app_commands.describe(
        reading="The reading to split",
        parts='Part titles separated by | (e.g. "pp. 1-30 | pp. 31-60"), or "none" for the pack\'s',
    )
    @app_commands.autocomplete(reading=cards.reading_choices)
    @organiser_only()
    async def parts(
        self,
        interaction: discord.Interaction,
        reading: str,
        parts: app_commands.Range[str, 1, 1000],
    ) -> None:
        """Split a reading into parts: each gets its own spoiler-safe discussion thread."""
        guild_id = guild_id_of(interaction)
        card, split = await self.bot.services.parts.set_parts(
            guild_id, reading, parts, interaction.user.id
        )
        listing = "\n".join(f"{n}. {title}" for n, title in enumerate(split, start=1))
        await interaction.response.send_message(
            f"*{embeds.clip(card.title, 300)}* is read in {len(split)} parts:\n{listing}"
            if split
            else f"*{embeds.clip(card.title, 300)}* is read as one piece.",
            ephemeral=True,
        )


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Readings(bot))
