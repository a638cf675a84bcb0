"""Correcting the syllabus from Discord: edit forms pre-filled with today's values, the
removal question, and the replies that say where a reading now stands."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserError
from bot.library.editing import RemovalImpact
from bot.library.excerpts import EXCERPT_LIMITS
from bot.library.readings import READING_LIMITS
from bot.library.records import Quote, ReadingCard
from bot.types import guild_id_of, study_bot
from bot.ui import limits
from bot.ui.checks import require_organiser
from bot.ui.confirm import ask
from bot.ui.embeds import clip
from bot.ui.library import choices, reading_embed, week_name
from bot.ui.views import StudyModal


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _year(text: str) -> int | None:
    text = text.strip()
    if text and not text.isdecimal():
        raise UserError(f"The year should be a number such as 1921, not {text[:10]!r}.")
    return int(text) if text else None


class EditReadingModal(StudyModal, title="Edit a reading"):
    """The server's own reading, every field filled with what it says today."""

    def __init__(self, card: ReadingCard) -> None:
        super().__init__()
        self.reading_id = card.id
        self.title_input: discord.ui.TextInput[EditReadingModal] = discord.ui.TextInput(
            label="Title", custom_id="title", default=card.title, max_length=READING_LIMITS["title"]
        )
        self.authors: discord.ui.TextInput[EditReadingModal] = discord.ui.TextInput(
            label="Author(s), editor(s) or group",
            custom_id="authors",
            default=card.authors,
            max_length=READING_LIMITS["authors"],
        )
        self.year: discord.ui.TextInput[EditReadingModal] = discord.ui.TextInput(
            label="Year (optional)",
            custom_id="year",
            default=str(card.year) if card.year else None,
            required=False,
            max_length=4,
        )
        self.url: discord.ui.TextInput[EditReadingModal] = discord.ui.TextInput(
            label="Link (optional)",
            custom_id="url",
            default=card.url,
            required=False,
            max_length=READING_LIMITS["url"],
        )
        self.summary: discord.ui.TextInput[EditReadingModal] = discord.ui.TextInput(
            label="Summary (optional)",
            custom_id="summary",
            style=discord.TextStyle.paragraph,
            default=card.summary,
            required=False,
            max_length=READING_LIMITS["summary"],
        )
        for item in (self.title_input, self.authors, self.year, self.url, self.summary):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)  # the role may have gone since the form opened
        library = study_bot(interaction).services.library
        card = await library.edit_reading(
            guild_id_of(interaction),
            self.reading_id,
            title=self.title_input.value,
            authors=self.authors.value,
            year=_year(self.year.value),
            url=self.url.value,
            summary=self.summary.value,
        )
        await interaction.response.send_message(
            f"Saved *{clip(card.title, 300)}*.", embed=reading_embed(card, done=0), ephemeral=True
        )


class EditExcerptModal(StudyModal, title="Edit an excerpt"):
    def __init__(self, quote: Quote) -> None:
        super().__init__()
        self.ref = quote.ref
        self.author: discord.ui.TextInput[EditExcerptModal] = discord.ui.TextInput(
            label="Author",
            custom_id="author",
            default=quote.author,
            max_length=EXCERPT_LIMITS["author"],
        )
        self.work: discord.ui.TextInput[EditExcerptModal] = discord.ui.TextInput(
            label="Work", custom_id="work", default=quote.work, max_length=EXCERPT_LIMITS["work"]
        )
        self.date: discord.ui.TextInput[EditExcerptModal] = discord.ui.TextInput(
            label="Date", custom_id="date", default=quote.date, max_length=EXCERPT_LIMITS["date"]
        )
        self.text: discord.ui.TextInput[EditExcerptModal] = discord.ui.TextInput(
            label="Text",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            default=quote.text,
            max_length=EXCERPT_LIMITS["text"],
        )
        for item in (self.author, self.work, self.date, self.text):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        library = study_bot(interaction).services.library
        quote = await library.edit_excerpt(
            guild_id_of(interaction),
            self.ref,
            self.author.value,
            self.work.value,
            self.date.value,
            self.text.value,
        )
        await interaction.response.send_message(
            f"Saved excerpt {quote.ref}: {clip(quote.author, 100)}, *{clip(quote.work, 200)}*.",
            ephemeral=True,
        )


async def open_edit_form(
    interaction: discord.Interaction, reading: str | None, excerpt: str | None
) -> None:
    """``/reading edit``: the form for one server reading or one server excerpt."""
    if (reading is None) == (excerpt is None):
        raise UserError("Name either a `reading` or an `excerpt` to edit (one of the two).")
    library = study_bot(interaction).services.library
    guild_id = guild_id_of(interaction)
    if reading is not None:
        modal: StudyModal = EditReadingModal(await library.editable_reading(guild_id, reading))
    else:
        modal = EditExcerptModal(await library.editable_excerpt(guild_id, excerpt or ""))
    await interaction.response.send_modal(modal)


def removal_question(impact: RemovalImpact) -> str:
    """What ``/reading remove`` will do, for the organiser to confirm."""
    card = impact.card
    where = f"It is in {week_name(card.week, None).lower()}." if card.week else "It is in no week."
    if impact.hides:
        lines = [
            f"Hide *{clip(card.title, 200)}* on this server? It comes from the shared pack, so "
            f"it is hidden here rather than deleted. {where}",
            f"• {_plural(impact.done_marks, 'member', 'members')}' done marks are kept, and "
            f"{_plural(impact.prompts, 'prompt', 'prompts')} stay but are not drawn while it "
            "is hidden.",
            "• `/reading assign` brings it back.",
        ]
    else:
        lines = [
            f"Delete *{clip(card.title, 200)}* from this server? {where}",
            f"• {_plural(impact.done_marks, 'done mark', 'done marks')} by members will be deleted.",
            f"• {_plural(impact.prompts, 'prompt', 'prompts')} written for it stay, as general "
            "prompts.",
            f"• {_plural(impact.excerpts, 'excerpt', 'excerpts')} linked to it stay, unlinked.",
        ]
    return "\n".join(lines)


async def confirm_removal(interaction: discord.Interaction, reading: str) -> None:
    """``/reading remove``: say what it touches, then remove only on confirmation."""
    library = study_bot(interaction).services.library
    guild_id = guild_id_of(interaction)
    impact = await library.removal_impact(guild_id, reading)
    reading_id = impact.card.id

    async def remove(click: discord.Interaction) -> None:
        done = await library.remove_reading(guild_id, reading_id, by=click.user.id)
        verb = "hidden on this server" if done.hides else "deleted"
        await click.response.edit_message(
            content=f"*{clip(done.card.title, 300)}* is {verb}. `/reading list` shows the weeks "
            "as they now stand.",
            view=None,
        )

    label = "Hide it" if impact.hides else "Delete it"
    await ask(interaction, removal_question(impact), remove, confirm_label=label)


def moved_text(card: ReadingCard, before: int | None, restored: bool, label: str | None) -> str:
    """The reply to ``/reading assign``: where the reading now is, and where it was."""
    now = week_name(card.week or 0, label)
    text = f"*{clip(card.title, 300)}* is now in {now}"
    if restored:
        text += " (it was hidden on this server; it is back)"
    elif before is not None and before != card.week:
        text += f" (moved from week {before})"
    return text + "."


async def server_entry_choices(
    interaction: discord.Interaction, current: str, *, excerpts: bool
) -> list[app_commands.Choice[str]]:
    """Autocomplete for ``/reading edit``: only what this server added (pack entries can't
    be edited)."""
    library = study_bot(interaction).services.library
    guild_id = guild_id_of(interaction)
    wanted = current.strip().casefold()
    if excerpts:
        pairs = [
            (f"{q.ref} · {q.author}: {limits.one_line(q.text, 60)}", q.ref)
            for q in await library.quotes(guild_id)
            if q.source == "server"
        ]
    else:
        pairs = [
            (f"{c.title} — {c.authors}", c.id)
            for c in await library.readings(guild_id)
            if c.source == "server"
        ]
    return choices(pair for pair in pairs if wanted in pair[0].casefold())
