"""Answers in chat: mention the bot with a question, or use "Find the source" on a message.

A mention needs no privileged intent: Discord sends the content of a message that mentions
the bot. The answer is a reply to the question, pinging no one (not even the asker: the reply
already shows whose question it answers, and a ping for every answer would be noise), with
a persistent Next button through the following results (the paginator's pattern: everything
it needs rides in the button, so it survives a restart). A per-channel cooldown in the database
keeps a flood of mentions from turning into a flood of answers, across every process.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import NotFound, UserError
from bot.library.asking import ChannelCooldown, question_from
from bot.library.search import MAX_QUERY_CHARS, compact_query
from bot.types import guild_id_of
from bot.ui import answers
from bot.ui.paginator import Page, clamp, fits_custom_id, pager_view

log = logging.getLogger(__name__)

ASK_PAGES = "ask"
ASK_RESULTS = 10
LONGEST_USER_ID = 10**19
NO_PINGS = discord.AllowedMentions.none()


def searchable(question: str) -> str:
    """The question as searched: itself, or its compact form when it is long."""
    return question if len(question) <= MAX_QUERY_CHARS else compact_query(question)


def page_arg(question: str) -> str:
    """The question as it rides in the buttons: its compact form, cut to fit a custom id."""
    words = compact_query(question).split()
    while words and not fits_custom_id(ASK_PAGES, " ".join(words), LONGEST_USER_ID):
        words.pop()
    return " ".join(words)


async def answer_page(bot: StudyCircle, guild_id: int, question: str, number: int) -> Page:
    """Result ``number`` (0-based) for a question; ``NotFound`` when there is none."""
    hits = await bot.services.library.search(guild_id, searchable(question), limit=ASK_RESULTS)
    if not hits:
        raise NotFound(answers.NOTHING)
    number = clamp(number, len(hits))
    return Page(
        answers.answer_embed(hits[number], question, number + 1, len(hits)), number, len(hits)
    )


class AnswerPages:
    """Page source for the Next/Previous buttons under an answer."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        if not arg:
            raise UserError("These answers are no longer available; ask again.")
        return await answer_page(self.bot, guild_id_of(interaction), arg, number)


def can_answer(message: discord.Message) -> bool:
    """Whether the bot may reply here: see, send (in threads too), embed, read history."""
    guild = message.guild
    if guild is None:
        return False
    channel = message.channel
    if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return False
    perms = channel.permissions_for(guild.me)
    send = perms.send_messages_in_threads if isinstance(channel, discord.Thread) else True
    return bool(
        perms.view_channel
        and perms.send_messages
        and send
        and perms.embed_links
        and perms.read_message_history
    )


class Asking(commands.Cog):
    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        self.cooldown = ChannelCooldown(bot.session_factory, bot.clock)
        self.menu = app_commands.ContextMenu(name="Find the source", callback=self.find_source)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.page_sources[ASK_PAGES] = AnswerPages(self.bot)
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(ASK_PAGES, None)
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @commands.Cog.listener()
    async def on_command_error(
        self, context: commands.Context[StudyCircle], error: commands.CommandError
    ) -> None:
        """The bot has no text commands: a question after a mention is not a failed command
        (the prefix is the mention), so say nothing; anything else is logged as before."""
        if isinstance(error, commands.CommandNotFound):
            return
        log.error("text command error", exc_info=error)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.guild is None:
            return
        question = question_from(message.content, me.id)
        if question is None or not can_answer(message):
            return
        if not await self.cooldown.allow(message.channel.id):
            log.info("chat answer skipped: channel %s is cooling down", message.channel.id)
            return
        try:
            await self.answer(message, question)
        except discord.HTTPException as error:
            log.warning("could not answer in channel %s: %s", message.channel.id, error)

    async def answer(self, message: discord.Message, question: str) -> None:
        """Reply with the best cited answer and a button for the next, or a one-line hint."""
        if not question:
            await message.reply(answers.HINT, mention_author=False, allowed_mentions=NO_PINGS)
            return
        assert message.guild is not None
        try:
            page = await answer_page(self.bot, message.guild.id, question, 0)
        except UserError as error:
            await message.reply(error.message, mention_author=False, allowed_mentions=NO_PINGS)
            return
        view = pager_view(ASK_PAGES, page, message.author.id, page_arg(question))
        await message.reply(
            embed=page.embed, view=view, mention_author=False, allowed_mentions=NO_PINGS
        )

    async def find_source(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Find the passage a message quotes or paraphrases (answered privately)."""
        guild_id = guild_id_of(interaction)
        text = message.content or " ".join(
            part for embed in message.embeds for part in (embed.description or "",)
        )
        library = self.bot.services.library
        if library.passages.plan(text, library.engine) is None:
            await interaction.response.send_message(answers.TOO_SHORT, ephemeral=True)
            return
        match = await library.find_source(guild_id, text)
        if match is None:
            await interaction.response.send_message(answers.NOT_FOUND, ephemeral=True)
            return
        await interaction.response.send_message(embed=answers.source_embed(match), ephemeral=True)


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Asking(bot))
