"""General commands: /ping, /about and /help."""

from __future__ import annotations

import math

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.ui import help as help_text
from bot.ui.limits import EMBED_FIELD_VALUE


def _human_duration(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts.append(f"{minutes}m")
    return " ".join(parts)


class General(commands.Cog):
    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    @app_commands.command(extras={"example": "/ping"})
    async def ping(self, interaction: discord.Interaction) -> None:
        """Check that the bot is alive and see its gateway latency."""
        latency = self.bot.latency  # NaN or infinity until the first heartbeat is answered
        shown = f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "n/a"
        await interaction.response.send_message(f"Pong! Gateway latency: {shown}.", ephemeral=True)

    @app_commands.command(extras={"example": "/about"})
    async def about(self, interaction: discord.Interaction) -> None:
        """What this bot is: version, content pack, uptime and database."""
        embed = discord.Embed(
            title="Study Circle",
            description="A reading group's companion: readings, sources, sessions, reminders, "
            "discussion prompts and polls.",
            colour=discord.Colour.dark_red(),
        )
        embed.add_field(name="Version", value=self.bot.version)
        embed.add_field(name="Content pack", value=self.bot.content.meta.name)
        embed.add_field(name="Uptime", value=_human_duration(self.bot.uptime_seconds))
        embed.add_field(name="Database", value=self.bot.engine.dialect.name)
        embed.add_field(name="Servers", value=str(len(self.bot.guilds)))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="help", extras={"example": "/help command:kronstadt"})
    @app_commands.describe(command="A command to explain in detail, e.g. `session schedule`")
    async def help_command(
        self, interaction: discord.Interaction, command: str | None = None
    ) -> None:
        """List every command, or explain one with an example."""
        leaves = help_text.walk_commands(self.bot.tree.get_commands())
        if command is not None:
            wanted = command.strip().lstrip("/").casefold()
            match = next((c for c in leaves if c.qualified_name.casefold() == wanted), None)
            if match is None:
                raise UserError(
                    f"There is no command `/{wanted[:50]}`. Run `/help` to see them all."
                )
            embed = discord.Embed(
                title=f"/{match.qualified_name}", description=help_text.command_detail(match)
            )
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        me = self.bot.user.mention if self.bot.user else "@Study Circle"
        embed = discord.Embed(
            title="Study Circle commands",
            description="Use `/help command:<name>` for details and an example.\n"
            f"No command needed: mention {me} with a question (`{me} what did point 8 "
            "demand?`), or right-click a quoted message → Apps → **Find the source**.",
        )
        for group, lines in help_text.overview_by_group(self.bot.tree.get_commands()).items():
            value = ""
            for line in lines:
                if len(value) + len(line) + 1 > EMBED_FIELD_VALUE - 4:
                    value += "\n…"
                    break
                value += ("\n" if value else "") + line
            embed.add_field(name=f"/{group}", value=value, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @help_command.autocomplete("command")
    async def help_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.casefold().lstrip("/")
        names = [c.qualified_name for c in help_text.walk_commands(self.bot.tree.get_commands())]
        ranked = sorted(
            (n for n in names if wanted in n), key=lambda n: (not n.startswith(wanted), n)
        )
        return [app_commands.Choice(name=f"/{n}", value=n) for n in ranked[:25]]


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(General(bot))
