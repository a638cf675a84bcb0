"""Source look-ups: /source search|quote|cite|add."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import NotFound, UserError
from bot.library.excerpts import EXCERPT_LIMITS
from bot.library.search import MAX_QUERY_CHARS, compact_query
from bot.library.service import LibraryService
from bot.types import guild_id_of
from bot.ui import embeds
from bot.ui import library as cards
from bot.ui.checks import organiser_only, require_organiser
from bot.ui.paginator import Page, fits_custom_id, send_paged
from bot.ui.views import StudyModal

SEARCH_PAGES = "search"
SEARCH_HITS = 50  # ten pages of five: past that, a better query beats more paging
# The custom id must fit for whoever clicks, so size it for the longest possible snowflake.
LONGEST_USER_ID = 10**19
STYLES = {
    "chicago": "Chicago (bibliography)",
    "chicago-note": "Chicago (note)",
    "mla": "MLA",
}


def page_query(query: str) -> str | None:
    """The query as it travels in the page buttons, or ``None`` if even its compact form is
    too long for a custom id."""
    text = " ".join(query.split())
    for candidate in (text, compact_query(text)):
        if candidate and fits_custom_id(SEARCH_PAGES, candidate, LONGEST_USER_ID):
            return candidate
    return None


async def search_embeds(library: LibraryService, guild_id: int, query: str) -> list[discord.Embed]:
    hits = await library.search(guild_id, query, limit=SEARCH_HITS + 1)
    if not hits:
        raise NotFound(
            f"Nothing matches {embeds.clip(' '.join(query.split()), 80)!r}. Try a name "
            "(Pirani, Malatesta), a place or a distinctive word such as 'soviets'."
        )
    shown = hits[:SEARCH_HITS]
    return cards.search_pages(shown, " ".join(query.split()), more=len(hits) > SEARCH_HITS)


class SearchPages:
    """Page source for /source search: the query rides in the button, the server in the click."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        if interaction.guild_id is None:
            raise UserError("Search from inside a server.")
        pages = await search_embeds(self.bot.services.library, interaction.guild_id, arg)
        return embeds.page_of(pages, number)


class AddExcerptModal(StudyModal, title="Add an excerpt"):
    author: discord.ui.TextInput[AddExcerptModal] = discord.ui.TextInput(
        label="Author",
        custom_id="author",
        placeholder="e.g. Errico Malatesta",
        max_length=EXCERPT_LIMITS["author"],
    )
    work: discord.ui.TextInput[AddExcerptModal] = discord.ui.TextInput(
        label="Work (book, article, letter, speech)",
        custom_id="work",
        placeholder="e.g. Letter to Luigi Fabbri",
        max_length=EXCERPT_LIMITS["work"],
    )
    date: discord.ui.TextInput[AddExcerptModal] = discord.ui.TextInput(
        label="Date",
        custom_id="date",
        placeholder="e.g. 30 July 1919",
        max_length=EXCERPT_LIMITS["date"],
    )
    text: discord.ui.TextInput[AddExcerptModal] = discord.ui.TextInput(
        label="The excerpt",
        custom_id="text",
        style=discord.TextStyle.paragraph,
        min_length=10,
        max_length=EXCERPT_LIMITS["text"],
    )
    reading: discord.ui.TextInput[AddExcerptModal] = discord.ui.TextInput(
        label="Reading it comes from (optional)",
        custom_id="reading",
        placeholder="title or author, e.g. Serge",
        required=False,
        max_length=100,
    )

    def __init__(self, library: LibraryService, reading: str | None) -> None:
        super().__init__()
        self.library = library
        if reading:
            self.reading.default = reading[:100]

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)  # the role may have gone since the form opened
        guild_id = guild_id_of(interaction)
        quote = await self.library.add_excerpt(
            guild_id,
            interaction.user.id,
            author=self.author.value,
            work=self.work.value,
            date=self.date.value,
            text=self.text.value,
            reading_id=self.reading.value.strip() or None,
        )
        await interaction.response.send_message(
            f"Added excerpt `{quote.ref}`. It can be found with `/source search` and "
            "`/source quote` in this server only.",
            embed=cards.quote_embed(quote),
            ephemeral=True,
        )


@app_commands.guild_only()
class Sources(commands.GroupCog, group_name="source"):
    """Find, quote and cite the sources."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    @property
    def library(self) -> LibraryService:
        return self.bot.services.library

    async def cog_load(self) -> None:
        self.bot.page_sources[SEARCH_PAGES] = SearchPages(self.bot)

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(SEARCH_PAGES, None)

    @app_commands.command(name="search", extras={"example": "/source search query:secret ballot"})
    @app_commands.describe(query="Words, a name or a phrase (misspelt names are fine)")
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
    ) -> None:
        """Search excerpts, readings, the Kronstadt resolution and the timeline."""
        guild_id = guild_id_of(interaction)
        pages = await search_embeds(self.library, guild_id, query)  # checks the query first
        arg = page_query(query)
        if arg is not None:
            await send_paged(interaction, SEARCH_PAGES, arg)
            return
        first = pages[0]
        if len(pages) > 1:
            first.description = (
                f"{first.description} Only this first page can be shown: search with fewer "
                "words to page through the rest."
            )
        await interaction.response.send_message(embed=embeds.fit(first))

    @app_commands.command(name="quote", extras={"example": "/source quote author:Malatesta"})
    @app_commands.describe(author="Only quotations by this author (optional)")
    async def quote(self, interaction: discord.Interaction, author: str | None = None) -> None:
        """A random quotation with its source."""
        guild_id = guild_id_of(interaction)
        quote = await self.library.quote(guild_id, author)
        await interaction.response.send_message(embed=cards.quote_embed(quote))

    @app_commands.command(name="cite", extras={"example": "/source cite reading:Brinton style:mla"})
    @app_commands.describe(reading="The reading to cite", style="Citation style (default Chicago)")
    @app_commands.autocomplete(reading=cards.reading_choices)
    @app_commands.choices(
        style=[app_commands.Choice(name=label, value=value) for value, label in STYLES.items()]
    )
    async def cite(
        self, interaction: discord.Interaction, reading: str, style: str = "chicago"
    ) -> None:
        """A ready-made citation of a reading, Chicago or MLA."""
        guild_id = guild_id_of(interaction)
        citation = await self.library.cite(guild_id, reading, style)
        text = f"{citation}\n-# {STYLES.get(style, style)} style"
        await interaction.response.send_message(embeds.clip(text, 2000))

    @app_commands.command(name="add", extras={"example": "/source add", "organiser": True})
    @app_commands.describe(reading="The reading the excerpt comes from (optional)")
    @app_commands.autocomplete(reading=cards.reading_choices)
    @organiser_only()
    async def add(self, interaction: discord.Interaction, reading: str | None = None) -> None:
        """Add an excerpt for this server (opens a form)."""
        if reading:  # check it now rather than after the member has typed the excerpt
            reading = (await self.library.reading(guild_id_of(interaction), reading)).id
        await interaction.response.send_modal(AddExcerptModal(self.library, reading))

    @quote.autocomplete("author")
    async def author_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        guild_id = guild_id_of(interaction)
        return cards.choices(await self.library.complete_authors(guild_id, str(current or "")))


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Sources(bot))
