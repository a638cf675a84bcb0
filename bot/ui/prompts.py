"""Discussion prompts in Discord: the prompt card, the "add a prompt" form and the list pages."""

from __future__ import annotations

import discord

from bot.discussion.prompts import PROMPT_MAX_LENGTH, PromptInfo
from bot.errors import NotFound
from bot.types import Page, StudyBot, guild_id_of, study_bot
from bot.ui import limits
from bot.ui.views import StudyModal

PAGE_KEY = "prompts"
PER_PAGE = 10
PREVIEW = 280
COLOUR = discord.Colour.teal()


def prompt_embed(prompt: PromptInfo, title: str, reading_title: str | None) -> discord.Embed:
    embed = discord.Embed(title=title, description=prompt.text, colour=COLOUR)
    if reading_title:
        embed.add_field(name="Reading", value=limits.truncate(reading_title, 1024))
    if prompt.starter:
        embed.add_field(name="From", value="the reading list's starter prompts")
    elif prompt.author_id is not None:
        embed.add_field(name="Added by", value=f"<@{prompt.author_id}>")
    if prompt.used_at is not None:
        embed.add_field(name="Used", value=discord.utils.format_dt(prompt.used_at, "D"))
    embed.set_footer(text=f"Prompt #{prompt.id}")
    return embed


async def reading_id_of(bot: StudyBot, guild_id: int, reading: str | None) -> str | None:
    """The id of the reading a member named (autocomplete sends the id itself)."""
    if reading is None or not reading.strip():
        return None
    return (await bot.services.library.reading(guild_id, reading)).id


async def reading_title(bot: StudyBot, guild_id: int, reading_id: str | None) -> str | None:
    if reading_id is None:
        return None
    try:
        return (await bot.services.library.reading(guild_id, reading_id)).title
    except NotFound:
        return reading_id  # the reading was removed; its prompts remain


async def save_prompt(interaction: discord.Interaction, text: str, reading_id: str | None) -> None:
    """Add the member's prompt and show it to them."""
    bot, guild_id = study_bot(interaction), guild_id_of(interaction)
    prompt = await bot.services.prompts.add(
        guild_id, interaction.user.id, text, reading_id=reading_id
    )
    embed = prompt_embed(
        prompt, f"Prompt #{prompt.id} saved", await reading_title(bot, guild_id, reading_id)
    )
    await interaction.response.send_message(embed=embed, ephemeral=True)


class PromptModal(StudyModal, title="Add a discussion prompt"):
    text: discord.ui.TextInput[PromptModal] = discord.ui.TextInput(
        label="Your prompt",
        style=discord.TextStyle.paragraph,
        placeholder="A question for the group to discuss",
        max_length=PROMPT_MAX_LENGTH,
    )

    def __init__(self, reading_id: str | None) -> None:
        super().__init__()
        self.reading_id = reading_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await save_prompt(interaction, self.text.value, self.reading_id)


class PromptPages:
    """``/prompt list`` pages; the argument is the reading id (empty: every prompt)."""

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        bot, guild_id = study_bot(interaction), guild_id_of(interaction)
        page = await bot.services.prompts.list(
            guild_id, arg or None, page=number + 1, per_page=PER_PAGE
        )
        reading = await reading_title(bot, guild_id, arg or None)
        title = "Discussion prompts" + (f" — {reading}" if reading else "")
        if page.items:
            lines = []
            for prompt in page.items:
                notes = [
                    note
                    for note, on in (("starter", prompt.starter), ("used", prompt.used_at))
                    if on
                ]
                marks = f" *({', '.join(notes)})*" if notes else ""
                lines.append(f"**#{prompt.id}** {limits.one_line(prompt.text, PREVIEW)}{marks}")
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
