"""``/privacy delete-my-data``: forget one member in one server.

Removed: poll ballots (open anonymous polls included, through their voter key), RSVPs and
attendance, reading progress (parts included), reminder opt-in, personal reminders (cancelled,
their text erased), repeating reminders, the member's own time zone. Kept but anonymised: prompts the member wrote and polls they created. Counts of what
was removed are returned so the member can be told.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import Delete, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import affected_rows
from bot.db.models.discussion import Poll, PollBallot
from bot.db.models.library import LibraryProgress
from bot.db.models.members import MemberSettings, PartProgress
from bot.db.models.scheduling import ReminderOptIn, SessionAttendance, SessionRsvp, Timer
from bot.discussion.polls import PollService
from bot.discussion.prompts import PromptService
from bot.scheduling.recurring import RecurringReminders
from bot.scheduling.reminders import PERSONAL_REMINDER
from bot.scheduling.timers import PENDING, TimerService

MemberRow = (
    PollBallot
    | SessionRsvp
    | SessionAttendance
    | LibraryProgress
    | ReminderOptIn
    | MemberSettings
    | PartProgress
)


@dataclass(frozen=True)
class Removed:
    votes: int = 0
    rsvps: int = 0
    attendance: int = 0
    reading_progress: int = 0
    reminder_opt_in: int = 0
    personal_reminders: int = 0
    prompts_anonymised: int = 0
    polls_unlinked: int = 0
    repeating_reminders: int = 0
    parts_done: int = 0
    time_zone: int = 0

    def lines(self) -> list[str]:
        names = {
            "votes": "poll votes removed",
            "rsvps": "RSVPs removed",
            "attendance": "attendance records removed",
            "reading_progress": "readings marked done removed",
            "reminder_opt_in": "reminder opt-ins removed",
            "personal_reminders": "personal reminders cancelled and erased",
            "prompts_anonymised": "prompts kept without your name",
            "polls_unlinked": "polls you created kept without your name",
            "repeating_reminders": "repeating reminders stopped and erased",
            "parts_done": "reading parts marked done removed",
            "time_zone": "personal time zone removed",
        }
        return [f"{getattr(self, f.name)} {names[f.name]}" for f in fields(self)]


class PrivacyService:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        polls: PollService,
        prompts: PromptService,
        timers: TimerService,
        recurring: RecurringReminders,
    ) -> None:
        self._sessions = session_factory
        self._polls = polls
        self._prompts = prompts
        self._timers = timers
        self._recurring = recurring

    async def delete_member_data(self, guild_id: int, user_id: int) -> Removed:
        anonymous_votes = await self._retract_anonymous_ballots(guild_id, user_id)
        reminders = await self._erase_personal_reminders(guild_id, user_id)
        repeating = await self._recurring.delete_member(guild_id, user_id)
        async with self._sessions.begin() as session:
            # Every table below has guild_id and user_id columns: one member's rows, one server.
            def mine(model: type[MemberRow]) -> Delete:
                return delete(model).where(model.guild_id == guild_id, model.user_id == user_id)

            votes = affected_rows(await session.execute(mine(PollBallot)))
            rsvps = affected_rows(await session.execute(mine(SessionRsvp)))
            attendance = affected_rows(await session.execute(mine(SessionAttendance)))
            progress = affected_rows(await session.execute(mine(LibraryProgress)))
            opt_in = affected_rows(await session.execute(mine(ReminderOptIn)))
            parts = affected_rows(await session.execute(mine(PartProgress)))
            zone = affected_rows(await session.execute(mine(MemberSettings)))
            unlinked = await session.execute(
                update(Poll)
                .where(Poll.guild_id == guild_id, Poll.creator_id == user_id)
                .values(creator_id=None)
            )
        prompts = await self._prompts.anonymise_author(guild_id, user_id)
        return Removed(
            votes=votes + anonymous_votes,
            rsvps=rsvps,
            attendance=attendance,
            reading_progress=progress,
            reminder_opt_in=opt_in,
            personal_reminders=reminders,
            prompts_anonymised=prompts,
            polls_unlinked=affected_rows(unlinked),
            repeating_reminders=repeating,
            parts_done=parts,
            time_zone=zone,
        )

    async def _retract_anonymous_ballots(self, guild_id: int, user_id: int) -> int:
        # Anonymous ballots carry no user id; only an open poll's salt can still find them.
        async with self._sessions() as session:
            poll_ids = (
                await session.scalars(
                    select(Poll.id).where(
                        Poll.guild_id == guild_id,
                        Poll.anonymous.is_(True),
                        Poll.closed_at.is_(None),
                    )
                )
            ).all()
        retracted = 0
        for poll_id in poll_ids:
            if await self._polls.forget_ballot(poll_id, guild_id, user_id):
                retracted += 1
        return retracted

    async def _erase_personal_reminders(self, guild_id: int, user_id: int) -> int:
        async with self._sessions() as session:
            pending = (
                await session.scalars(
                    select(Timer.id).where(
                        Timer.guild_id == guild_id,
                        Timer.kind == PERSONAL_REMINDER,
                        Timer.owner_id == user_id,
                        Timer.status == PENDING,
                    )
                )
            ).all()
        for timer_id in pending:
            await self._timers.cancel(timer_id, guild_id=guild_id)
        async with self._sessions.begin() as session:
            await session.execute(
                update(Timer)
                .where(
                    Timer.guild_id == guild_id,
                    Timer.kind == PERSONAL_REMINDER,
                    Timer.owner_id == user_id,
                )
                .values(payload={}, owner_id=None)
            )
        return len(pending)
