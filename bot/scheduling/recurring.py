"""Repeating personal reminders (``/remind every``): a series row and one pending timer.

Each series keeps exactly one pending timer of kind ``remind.every`` (payload
``{"series_id", "user_id", "n"}``, ``n`` counting firings from 1). When it fires, the handler
asks :meth:`RecurringReminders.fired` for the next time and schedules it under the dedupe key
``remind.every:<series>:<UTC stamp>``, so a handler run twice (redelivery after a crash) or a
start-up :meth:`RecurringReminders.resume` never makes two timers for one due time: the rule
goes off at most once per due time. The series id is the id of its first timer row, so
``/remind delete`` names one-off reminders and series in one number space.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.members import RecurringReminder
from bot.db.models.scheduling import Timer
from bot.errors import NotFound, UserError
from bot.scheduling.clock import Clock, utc_now
from bot.scheduling.reminders import MAX_TEXT
from bot.scheduling.rules import Rule, parse_rule, upcoming
from bot.scheduling.timers import PENDING, RUNNING, TimerRecord, TimerService
from bot.text import neutralise_mentions

RECURRING_REMINDER = "remind.every"
MAX_SERIES_PER_MEMBER = 10
MAX_COUNT = 1000
PREVIEW = 3


@dataclass(frozen=True)
class RecurringSeries:
    id: int
    guild_id: int
    user_id: int
    rule_text: str
    rule: Rule
    text: str
    zone: ZoneInfo
    anchor: date
    channel_id: int | None
    until: date | None
    count: int | None
    fired: int
    next_due: datetime | None = None

    @classmethod
    def from_row(cls, row: RecurringReminder, next_due: datetime | None = None) -> RecurringSeries:
        return cls(
            row.id,
            row.guild_id,
            row.user_id,
            row.rule,
            parse_rule(row.rule),
            row.text,
            ZoneInfo(row.zone),
            row.anchor,
            row.channel_id,
            row.until,
            row.count,
            row.fired,
            next_due,
        )

    def after(self, moment: datetime, count: int) -> list[datetime]:
        """Up to ``count`` times after ``moment``, within the end date and the count left."""
        if self.count is not None:
            count = min(count, self.count - self.fired)
        if count <= 0:
            return []
        return upcoming(self.rule, self.zone, self.anchor, moment, count, until=self.until)


def _first(times: list[datetime]) -> datetime | None:
    return times[0] if times else None


def occurrence_key(series_id: int, due: datetime) -> str:
    return f"{RECURRING_REMINDER}:{series_id}:{due.astimezone(UTC):%Y%m%dT%H%M%SZ}"


class RecurringReminders:
    """Create, list, delete and advance members' repeating reminders."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: TimerService,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = session_factory
        self._timers = timers
        self._clock = clock

    async def create(
        self,
        guild_id: int,
        user_id: int,
        rule_text: str,
        what: str,
        zone: ZoneInfo,
        channel_id: int | None = None,
        *,
        until: date | None = None,
        count: int | None = None,
    ) -> tuple[RecurringSeries, list[datetime]]:
        """Start a series; returns it and its next (up to three) times."""
        text = neutralise_mentions((what or "").strip())
        if not text:
            raise UserError("Tell me what to remind you about.")
        if len(text) > MAX_TEXT:
            raise UserError(f"Keep the reminder under {MAX_TEXT} characters.")
        if count is not None and not 1 <= count <= MAX_COUNT:
            raise UserError(f"`count` is how many times in all: 1 to {MAX_COUNT}.")
        rule = parse_rule(rule_text)
        now = self._clock()
        anchor = now.astimezone(zone).date()
        if until is not None and until < anchor:
            raise UserError("The end date has already passed.")
        limit = PREVIEW if count is None else min(PREVIEW, count)
        times = upcoming(rule, zone, anchor, now, limit, until=until)
        if not times:
            raise UserError("That rule never falls before its end date.")
        async with self._sessions() as s, s.begin():
            existing = await s.scalar(
                select(func.count())
                .select_from(RecurringReminder)
                .where(RecurringReminder.guild_id == guild_id, RecurringReminder.user_id == user_id)
            )
            if (existing or 0) >= MAX_SERIES_PER_MEMBER:
                raise UserError(
                    f"You already have {MAX_SERIES_PER_MEMBER} repeating reminders here. "
                    "Delete one with `/remind delete` first."
                )
            timer = await self._timers.schedule(
                guild_id,
                RECURRING_REMINDER,
                times[0],
                {"user_id": user_id},
                owner_id=user_id,
                session=s,
            )
            row = RecurringReminder(
                id=timer.id,
                guild_id=guild_id,
                user_id=user_id,
                rule=" ".join(rule_text.split())[:100],
                text=text,
                zone=zone.key,
                anchor=anchor,
                channel_id=channel_id,
                until=until,
                count=count,
                fired=0,
                created_at=now,
            )
            s.add(row)
            await s.flush()
            payload = {"series_id": timer.id, "user_id": user_id, "n": 1}
            await self._timers.reschedule(
                timer.id, times[0], guild_id=guild_id, payload=payload, session=s
            )
            series = RecurringSeries.from_row(row, times[0])
        return series, times

    async def list(self, guild_id: int, user_id: int) -> list[RecurringSeries]:
        """The member's series here, soonest next time first."""
        pending = await self._timers.pending(guild_id, kinds=[RECURRING_REMINDER], owner_id=user_id)
        next_due: dict[int, datetime] = {}
        for timer in pending:
            series_id = int(timer.payload.get("series_id", 0))
            next_due.setdefault(series_id, timer.due_at)
        async with self._sessions() as s:
            rows = (
                await s.scalars(
                    select(RecurringReminder).where(
                        RecurringReminder.guild_id == guild_id,
                        RecurringReminder.user_id == user_id,
                    )
                )
            ).all()
        found = [RecurringSeries.from_row(r, next_due.get(r.id)) for r in rows]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(found, key=lambda series: (series.next_due or far, series.id))

    async def get(self, series_id: int) -> RecurringSeries | None:
        async with self._sessions() as s:
            row = await s.get(RecurringReminder, series_id)
            return None if row is None else RecurringSeries.from_row(row)

    async def owns(self, guild_id: int, user_id: int, series_id: int) -> bool:
        async with self._sessions() as s:
            row = await s.get(RecurringReminder, series_id)
            return row is not None and (row.guild_id, row.user_id) == (guild_id, user_id)

    async def delete(self, guild_id: int, user_id: int, series_id: int) -> RecurringSeries:
        """Stop one of the member's series and cancel its pending timer."""
        async with self._sessions() as s, s.begin():
            row = await s.get(RecurringReminder, series_id)
            if row is None or (row.guild_id, row.user_id) != (guild_id, user_id):
                raise NotFound(
                    f"You have no pending reminder #r{series_id} here. See `/remind list`."
                )
            series = RecurringSeries.from_row(row)
            await s.delete(row)
            await self._cancel_timers(s, guild_id, {series_id}, owner_id=user_id)
        return series

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """Every series of one member here, and their timers (``/privacy delete-my-data``)."""
        async with self._sessions() as s, s.begin():
            ids = set(
                (
                    await s.scalars(
                        select(RecurringReminder.id).where(
                            RecurringReminder.guild_id == guild_id,
                            RecurringReminder.user_id == user_id,
                        )
                    )
                ).all()
            )
            await s.execute(delete(RecurringReminder).where(RecurringReminder.id.in_(ids)))
            await self._cancel_timers(s, guild_id, ids, owner_id=user_id)
            # Timers that already ran keep no text, but they still name the member.
            await s.execute(
                update(Timer)
                .where(
                    Timer.guild_id == guild_id,
                    Timer.kind == RECURRING_REMINDER,
                    Timer.owner_id == user_id,
                )
                .values(payload={}, owner_id=None)
            )
        return len(ids)

    async def _cancel_timers(
        self, s: AsyncSession, guild_id: int, series_ids: set[int], *, owner_id: int
    ) -> None:
        pending = await self._timers.pending(
            guild_id, kinds=[RECURRING_REMINDER], owner_id=owner_id, session=s
        )
        for timer in pending:
            if int(timer.payload.get("series_id", 0)) in series_ids:
                await self._timers.cancel(timer.id, guild_id=guild_id, session=s)

    async def fired(self, timer: TimerRecord) -> RecurringSeries | None:
        """The series a due timer belongs to (None if deleted since), after scheduling its
        next time (idempotent: safe to run again for the same timer)."""
        series_id = int(timer.payload.get("series_id", 0))
        n = int(timer.payload.get("n", 1))
        async with self._sessions() as s, s.begin():
            row = await s.get(RecurringReminder, series_id)
            if row is None or row.guild_id != timer.guild_id:
                return None
            row.fired = max(row.fired, n)
            series = RecurringSeries.from_row(row)
            now = self._clock()
            due = _first(series.after(timer.due_at, 1))
            if due is not None and due <= now:  # down for a while: skip to the coming one
                due = _first(series.after(now, 1))
            if due is None:
                await s.delete(row)  # finished: its end date or count is reached
            else:
                await self._schedule(s, series, due, n + 1)
        return series

    async def resume(self, now: datetime | None = None) -> int:
        """After downtime, give every series without a pending or running timer its next
        time (a missed timer is not run, so nothing else would); returns how many."""
        now = now or self._clock()
        async with self._sessions() as s, s.begin():
            # A pending timer already overdue may be marked missed (not run) by the dispatcher,
            # so it does not count; if it runs late instead, its next time is this same one.
            rows_live = await s.execute(
                select(Timer.payload, Timer.status, Timer.due_at).where(
                    Timer.kind == RECURRING_REMINDER, Timer.status.in_([PENDING, RUNNING])
                )
            )
            live = {
                int((payload or {}).get("series_id", 0))
                for payload, status, due_at in rows_live.all()
                if status == RUNNING or due_at > now
            }
            rows = (await s.scalars(select(RecurringReminder))).all()
            resumed = 0
            for row in rows:
                if row.id in live:
                    continue
                series = RecurringSeries.from_row(row)
                due = _first(series.after(now, 1))
                if due is None:
                    await s.delete(row)
                    continue
                await self._schedule(s, series, due, series.fired + 1)
                resumed += 1
        return resumed

    async def _schedule(
        self, s: AsyncSession, series: RecurringSeries, due: datetime, n: int
    ) -> None:
        await self._timers.schedule(
            series.guild_id,
            RECURRING_REMINDER,
            due,
            {"series_id": series.id, "user_id": series.user_id, "n": n},
            dedupe_key=occurrence_key(series.id, due),
            owner_id=series.user_id,
            session=s,
        )
