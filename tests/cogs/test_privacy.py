"""/privacy delete-my-data removes a member's data in one server and nothing else."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.client import StudyCircle
from bot.db.models.discussion import PollBallot, Prompt
from bot.db.models.library import LibraryProgress
from bot.db.models.scheduling import ReminderOptIn, SessionRsvp
from discord_double import DiscordDouble
from tests.e2e.fixtures import Server


async def _seed(bot: StudyCircle, guild_id: int, user_id: int, channel_id: int) -> None:
    services = bot.services
    await services.library.mark_done(guild_id, user_id, "pirani-2008")
    await services.prompts.add(guild_id, user_id, "What did the factory committees want?")
    open_poll = await services.polls.create(guild_id, channel_id, user_id, "Next?", "a; b")
    await services.polls.vote(open_poll.id, guild_id, user_id, [open_poll.options[0].id])
    secret = await services.polls.create(guild_id, channel_id, 1, "Secret?", "x; y", anonymous=True)
    await services.polls.vote(secret.id, guild_id, user_id, [secret.options[1].id])
    await services.sessions.opt_in(guild_id, user_id)
    schedule = await services.sessions.schedule(guild_id, "thursday", "19:00", "UTC", channel_id)
    upcoming = await services.sessions.next(guild_id)
    assert upcoming is not None
    await services.sessions.rsvp(guild_id, schedule.id, upcoming.key, user_id, "going")
    await services.reminders.remind_me(guild_id, user_id, "in 2 days", "read Brinton", "UTC")


async def _count(bot: StudyCircle, model: type, guild_id: int, column: object, user_id: int) -> int:
    async with bot.session_factory() as session:
        query = (
            select(func.count())
            .select_from(model)
            .where(model.guild_id == guild_id, column == user_id)
        )
        return (await session.execute(query)).scalar_one()


async def test_delete_my_data_after_confirmation_only_here(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    me = server.member.id
    await _seed(bot, server.guild.id, me, server.guild.general.id)
    await _seed(bot, other_server.guild.id, me, other_server.guild.general.id)

    ask = await double.slash(server.guild, server.member, "privacy delete-my-data")
    assert ask.ephemeral
    cancelled = await double.press(server.guild, server.member, ask, "Cancel")
    assert "Nothing was deleted" in cancelled.text
    assert await _count(bot, LibraryProgress, server.guild.id, LibraryProgress.user_id, me) == 1

    ask = await double.slash(server.guild, server.member, "privacy delete-my-data")
    done = await double.press(server.guild, server.member, ask, "Delete my data")
    assert "2 poll votes removed" in done.text  # the open vote and the anonymous one
    assert "1 RSVPs removed" in done.text
    assert "1 personal reminders cancelled" in done.text
    assert "1 prompts kept without your name" in done.text

    here, there = server.guild.id, other_server.guild.id
    for model, column in [
        (LibraryProgress, LibraryProgress.user_id),
        (SessionRsvp, SessionRsvp.user_id),
        (ReminderOptIn, ReminderOptIn.user_id),
        (PollBallot, PollBallot.user_id),
        (Prompt, Prompt.author_id),
    ]:
        assert await _count(bot, model, here, column, me) == 0, model.__name__
        assert await _count(bot, model, there, column, me) == 1, model.__name__
    assert await bot.services.reminders.list(here, me) == []
    assert len(await bot.services.reminders.list(there, me)) == 1
    async with bot.session_factory() as session:
        kept = (await session.scalars(select(Prompt).where(Prompt.guild_id == here))).all()
    mine = [p for p in kept if p.text == "What did the factory committees want?"]
    assert len(mine) == 1  # the prompt stays, unnamed
    assert mine[0].author_id is None
    anonymous = next(p for p in await bot.services.polls.recent(here) if p.question == "Secret?")
    async with bot.session_factory() as session:
        ballots = select(func.count(PollBallot.id)).where(PollBallot.poll_id == anonymous.id)
        assert (await session.execute(ballots)).scalar_one() == 0


async def test_someone_else_cannot_press_the_confirmation(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await bot.services.library.mark_done(server.guild.id, server.member.id, "pirani-2008")
    ask = await double.slash(server.guild, server.member, "privacy delete-my-data")
    other = await double.press(server.guild, server.organiser, ask, "Delete my data")
    assert other.ephemeral
    assert "someone else" in other.content
    assert (
        await _count(
            bot, LibraryProgress, server.guild.id, LibraryProgress.user_id, server.member.id
        )
        == 1
    )
