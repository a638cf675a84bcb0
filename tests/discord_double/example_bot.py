"""A small discord.py bot exercising what the double must support (used by these tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Tokyo"]


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.votes = 0

    @discord.ui.button(label="Yes", custom_id="vote:yes", style=discord.ButtonStyle.success)
    async def yes(
        self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]
    ) -> None:
        self.votes += 1
        button.disabled = True
        await interaction.response.edit_message(content=f"Votes: {self.votes}", view=self)

    @discord.ui.select(
        custom_id="vote:pick",
        placeholder="Pick a chapter",
        options=[
            discord.SelectOption(label="Chapter 1", value="1"),
            discord.SelectOption(label="Chapter 2", value="2"),
        ],
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.Select[VoteView]
    ) -> None:
        await interaction.response.send_message(
            f"You picked chapter {select.values[0]}", ephemeral=True
        )


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    comment = discord.ui.TextInput(label="Comment", custom_id="comment", max_length=200)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.comment.value}", ephemeral=True)


config = app_commands.Group(name="config", description="Server settings")


@config.command(name="timezone", description="Set the server time zone")
@app_commands.describe(zone="An IANA time zone")
async def config_timezone(interaction: discord.Interaction, zone: str) -> None:
    assert isinstance(interaction.user, discord.Member)
    if not interaction.user.guild_permissions.manage_guild:
        await interaction.response.send_message("You need Manage Server.", ephemeral=True)
        return
    await interaction.response.send_message(f"Time zone set to {zone} in {interaction.guild}")


@config_timezone.autocomplete("zone")
async def zone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=z, value=z) for z in ZONES if current.lower() in z.lower()][
        :25
    ]


class ExampleBot(commands.AutoShardedBot):
    def __init__(self, **options: object) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            **options,  # type: ignore[arg-type]
        )
        self.seen_errors: list[Exception] = []
        self.received_messages: list[discord.Message] = []

    async def setup_hook(self) -> None:
        tree = self.tree
        tree.add_command(config)

        @tree.command(name="ping", description="Check the bot is alive")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @tree.command(name="secret", description="An ephemeral reply")
        async def secret(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="Secret", description="Only for you")
            embed.add_field(name="Level", value="3")
            await interaction.response.send_message(embed=embed, ephemeral=True)

        @tree.command(name="slow", description="Defer, then follow up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(
                "done thinking", file=discord.File(__file__, filename="notes.txt")
            )

        @tree.command(name="vote", description="A message with buttons")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Votes: 0", view=VoteView())

        @tree.command(name="feedback", description="Open a modal")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

        @tree.command(name="dm", description="Send the caller a DM")
        async def dm(interaction: discord.Interaction) -> None:
            try:
                await interaction.user.send("hello in private")
            except discord.Forbidden as error:
                self.seen_errors.append(error)
                await interaction.response.send_message("Your DMs are closed.", ephemeral=True)
                return
            await interaction.response.send_message("Sent you a DM.", ephemeral=True)

        @tree.command(name="long", description="Breaks the content limit")
        async def long(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("x" * 2500)

        @tree.command(name="post", description="Post in the channel")
        @app_commands.describe(text="What to post")
        async def post(interaction: discord.Interaction, text: str) -> None:
            assert interaction.channel is not None
            await interaction.response.defer(ephemeral=True)
            message = await interaction.channel.send(text)  # type: ignore[union-attr]
            await interaction.followup.send(f"posted {message.id}", ephemeral=True)

        @tree.command(name="whois", description="Describe a member, role and channel")
        async def whois(
            interaction: discord.Interaction,
            member: discord.Member,
            role: discord.Role,
            channel: discord.TextChannel,
            times: int = 1,
        ) -> None:
            await interaction.response.send_message(
                f"{member.display_name} / {role.name} / {channel.name} / {times}"
            )

        @tree.command(name="extras", description="Threads, events, polls, pins and reactions")
        async def extras(interaction: discord.Interaction) -> None:
            channel = interaction.channel
            guild = interaction.guild
            assert isinstance(channel, discord.TextChannel)
            assert guild is not None
            await interaction.response.defer()
            poll = discord.Poll(question="Next reading?", duration=timedelta(hours=1))
            poll.add_answer(text="Kronstadt")
            poll.add_answer(text="Makhno")
            message = await channel.send("Discussion", poll=poll)
            await message.add_reaction("\N{THUMBS UP SIGN}")
            await message.pin()
            await message.create_thread(name="Chapter 1")
            await channel.create_thread(name="Organisers", type=discord.ChannelType.private_thread)
            start = datetime.now(UTC) + timedelta(days=1)
            event = await guild.create_scheduled_event(
                name="Session",
                start_time=start,
                end_time=start + timedelta(hours=1),
                entity_type=discord.EntityType.external,
                location="Library",
                privacy_level=discord.PrivacyLevel.guild_only,
            )
            event = await event.edit(name="Session 1")
            ended = await message.end_poll()
            assert ended.poll is not None
            await interaction.followup.send(
                f"event {event.name}; poll closed {ended.poll.is_finalised()}"
            )

        await tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second pause between shards: the double has no identify rate limit."""

    async def on_message(self, message: discord.Message) -> None:
        self.received_messages.append(message)
