"""The domain services, built once per bot and shared by the cogs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.discussion.polls import PollService
from bot.discussion.prompts import PromptService
from bot.library.loader import ContentPack
from bot.library.parts import ReadingParts
from bot.library.service import LibraryService
from bot.members import MemberZones
from bot.privacy import PrivacyService
from bot.scheduling import ReminderService, SessionService, TimerService
from bot.scheduling.clock import Clock
from bot.scheduling.copies import ReminderCopies
from bot.scheduling.recurring import RecurringReminders
from bot.scheduling.syllabus import SessionWeeks

POLL_CLOSE = "poll.close"


@dataclass(frozen=True)
class Services:
    library: LibraryService
    sessions: SessionService
    reminders: ReminderService
    prompts: PromptService
    polls: PollService
    privacy: PrivacyService
    zones: MemberZones
    recurring: RecurringReminders
    copies: ReminderCopies
    parts: ReadingParts


def poll_close_key(poll_id: int) -> str:
    return f"{POLL_CLOSE}:{poll_id}"


def build_services(
    pack: ContentPack,
    session_factory: async_sessionmaker[AsyncSession],
    timers: TimerService,
    clock: Clock,
) -> Services:
    sessions = SessionService(session_factory, timers, clock)

    async def schedule_close(guild_id: int, poll_id: int, due_at: datetime) -> None:
        await timers.schedule(
            guild_id, POLL_CLOSE, due_at, {"poll_id": poll_id}, dedupe_key=poll_close_key(poll_id)
        )

    async def cancel_close(guild_id: int, poll_id: int) -> None:
        await timers.cancel_key(poll_close_key(poll_id), guild_id=guild_id)

    # Every server draws the pack's starter prompts from day one (seeded on first use).
    starters: dict[str | None, tuple[str, ...]] = {r.id: tuple(r.prompts) for r in pack.readings}
    prompts = PromptService(session_factory, clock, starters=starters)
    polls = PollService(session_factory, clock, schedule_close, cancel_close)
    recurring = RecurringReminders(session_factory, timers, clock)
    library = LibraryService(pack, session_factory, clock, calendar=SessionWeeks(sessions))
    return Services(
        library=library,
        sessions=sessions,
        reminders=ReminderService(session_factory, timers, clock),
        prompts=prompts,
        polls=polls,
        privacy=PrivacyService(session_factory, polls, prompts, timers, recurring),
        zones=MemberZones(session_factory, clock),
        recurring=recurring,
        copies=ReminderCopies(session_factory, timers, clock),
        parts=ReadingParts(library, session_factory, clock),
    )
