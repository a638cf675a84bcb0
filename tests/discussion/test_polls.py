"""PollService against a real (SQLite) database: ballots, concurrency, anonymity, closing."""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.discussion import Poll, PollBallot, PollVote
from bot.discussion.native import native_duration_hours, validate_native_poll
from bot.discussion.polls import Candidate, PollInfo, PollService, parse_options
from bot.errors import NotFound, PermissionDenied, UserError
from bot.scheduling.clock import FakeClock

GUILD, OTHER, CHANNEL = 111, 222, 5
CREATOR, ORGANISER, MEMBER = 1, 2, 3


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 12, tzinfo=UTC))


class Hooks:
    def __init__(self) -> None:
        self.scheduled: list[tuple[int, int, datetime]] = []
        self.cancelled: list[tuple[int, int]] = []

    async def schedule(self, guild_id: int, poll_id: int, due_at: datetime) -> None:
        self.scheduled.append((guild_id, poll_id, due_at))

    async def cancel(self, guild_id: int, poll_id: int) -> None:
        self.cancelled.append((guild_id, poll_id))


@pytest.fixture
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture
def polls(
    session_factory: async_sessionmaker[AsyncSession], clock: FakeClock, hooks: Hooks
) -> PollService:
    return PollService(
        session_factory, clock, schedule_close=hooks.schedule, cancel_close=hooks.cancel
    )


async def simple(polls: PollService, **kwargs: object) -> PollInfo:
    args: dict[str, object] = {"duration_text": "2h"} | kwargs
    return await polls.create(
        GUILD, CHANNEL, CREATOR, "Tea or coffee?", "tea; coffee; juice", **args
    )  # type: ignore[arg-type]


async def ballots_in(session_factory: async_sessionmaker[AsyncSession], poll_id: int) -> int:
    """How many members hold a ballot in the poll, counted in the table itself."""
    async with session_factory() as session:
        query = select(func.count(PollBallot.id)).where(PollBallot.poll_id == poll_id)
        return (await session.execute(query)).scalar_one()


# ---- parsing and validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a; b; c", ["a", "b", "c"]),
        ("a, b, c", ["a", "b", "c"]),
        ("a, b; c", ["a, b", "c"]),
        ("one\ntwo, three\n\nfour\n", ["one", "two, three", "four"]),
        ("  x ;; y ; ", ["x", "y"]),
    ],
)
def test_parse_options(text: str, expected: list[str]) -> None:
    assert parse_options(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("only one", "at least 2"),
        (";".join(str(n) for n in range(26)), "at most 25"),
        ("a; " + "b" * 81, "option 2 is 81 characters"),
        ("same; SAME", "listed twice"),
        (" ; ; ", "at least 2"),
    ],
)
def test_parse_options_rejects(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_options(text)


async def test_create_rejects_abuse_and_changes_nothing(polls: PollService) -> None:
    for question, options, duration in [
        ("q" * 301, "a; b", "1h"),
        ("  ", "a; b", "1h"),
        ("ok?", "@everyone; " + "<@&1>" * 20, "1h"),
        ("ok?", "a; b", "0m"),
        ("ok?", "a; b", "33d"),
        ("ok?", "a; b", "tomorrow"),
    ]:
        with pytest.raises(UserError):
            await polls.create(GUILD, CHANNEL, CREATOR, question, options, duration)
    assert await polls.recent(GUILD) == []


async def test_create_stores_and_schedules(
    polls: PollService, hooks: Hooks, clock: FakeClock
) -> None:
    poll = await simple(polls)
    assert [o.label for o in poll.options] == ["tea", "coffee", "juice"]
    assert poll.kind == "single"
    assert poll.closes_at == clock() + timedelta(hours=2)
    assert hooks.scheduled == [(GUILD, poll.id, poll.closes_at)]
    await polls.attach_message(poll.id, GUILD, 999)
    assert (await polls.get(poll.id, GUILD)).message_id == 999
    default = await polls.create(GUILD, CHANNEL, CREATOR, "q?", "a, b")
    assert default.closes_at == clock() + timedelta(days=1)


def test_validate_native_poll_limits() -> None:
    spec = validate_native_poll("Which?", "a; b; c", 48)
    assert (spec.question, spec.answers, spec.duration_hours) == ("Which?", ("a", "b", "c"), 48)
    cases = [
        (("q" * 301, ["a", "b"], 24), "question is 301 characters.*at most 300"),
        (("q", [str(n) for n in range(11)], 24), "at most 10 answers"),
        (("q", ["a", "b" * 56], 24), "answer 2 is 56 characters.*at most 55"),
        (("q", ["a", "b"], 0), "1 hour to 768 hours"),
        (("q", ["a", "b"], 769), "1 hour to 768 hours"),
        (("q", ["a"], 24), "at least 2"),
    ]
    for args, message in cases:
        with pytest.raises(UserError, match=message):
            validate_native_poll(*args)
    assert len(validate_native_poll("q" * 300, ["b" * 55, "c"], 768).answers) == 2
    assert native_duration_hours("2d") == 48
    assert native_duration_hours(None) == 24
    for text in ("30m", "90m", "33d"):
        with pytest.raises(UserError):
            native_duration_hours(text)


# ---- voting ---------------------------------------------------------------------------------


async def test_vote_validation(polls: PollService, clock: FakeClock) -> None:
    poll = await simple(polls)
    tea, coffee, _ = (o.id for o in poll.options)
    with pytest.raises(UserError, match="one choice"):
        await polls.vote(poll.id, GUILD, MEMBER, [tea, coffee])
    with pytest.raises(UserError, match="not part of this poll"):
        await polls.vote(poll.id, GUILD, MEMBER, [tea + 1000])
    with pytest.raises(UserError, match="ranked"):
        await polls.rank(poll.id, GUILD, MEMBER, [tea])
    await polls.vote(poll.id, GUILD, MEMBER, [tea])
    await polls.vote(poll.id, GUILD, MEMBER, [coffee])  # changing replaces the ballot
    result = await polls.results(poll.id, GUILD)
    assert [o.votes for o in result.options] == [0, 1, 0]
    assert result.ballots == 1
    clock.advance(timedelta(hours=2))  # deadline passed, timer not yet run
    with pytest.raises(UserError, match="closed"):
        await polls.vote(poll.id, GUILD, MEMBER, [tea])


async def test_multiple_choice_and_retract(
    polls: PollService, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    poll = await simple(polls, multiple=True)
    tea, coffee, juice = (o.id for o in poll.options)
    assert poll.kind == "multiple"
    await polls.vote(poll.id, GUILD, MEMBER, [tea, juice])
    await polls.vote(poll.id, GUILD, CREATOR, [juice])
    with pytest.raises(UserError):
        await polls.vote(poll.id, GUILD, MEMBER, [tea, tea])
    result = await polls.results(poll.id, GUILD)
    assert [o.votes for o in result.options] == [1, 0, 2]
    assert result.winners == (juice,)
    assert await polls.voters(poll.id, GUILD) == {
        tea: [MEMBER],
        coffee: [],
        juice: [MEMBER, CREATOR],
    }
    assert await polls.retract(poll.id, GUILD, MEMBER)
    assert not await polls.retract(poll.id, GUILD, MEMBER)
    assert await ballots_in(session_factory, poll.id) == 1


async def test_fifty_concurrent_voters_then_everyone_changes(polls: PollService) -> None:
    poll = await simple(polls)
    tea, coffee, juice = (o.id for o in poll.options)
    members = range(1000, 1050)
    first = {m: (tea, coffee, juice)[m % 3] for m in members}
    await asyncio.gather(*(polls.vote(poll.id, GUILD, m, [first[m]]) for m in members))
    result = await polls.results(poll.id, GUILD)
    expected = Counter(first.values())
    assert [o.votes for o in result.options] == [expected[tea], expected[coffee], expected[juice]]
    assert result.ballots == 50

    # Everyone changes their vote at once, and some click twice concurrently.
    second = {m: (juice, tea, coffee)[m % 3] for m in members}
    await asyncio.gather(
        *(polls.vote(poll.id, GUILD, m, [second[m]]) for m in members),
        *(polls.vote(poll.id, GUILD, m, [second[m]]) for m in list(members)[:10]),
    )
    result = await polls.results(poll.id, GUILD)
    expected = Counter(second.values())
    assert [o.votes for o in result.options] == [expected[tea], expected[coffee], expected[juice]]
    assert result.ballots == 50


async def test_same_member_racing_different_ballots_keeps_one_whole_ballot(
    polls: PollService, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    poll = await simple(polls, multiple=True)
    tea, coffee, juice = (o.id for o in poll.options)
    await asyncio.gather(
        *(polls.vote(poll.id, GUILD, MEMBER, choice) for choice in ([tea], [coffee, juice]) * 10)
    )
    async with session_factory() as session:
        ballots = (await session.execute(select(PollBallot.id))).scalars().all()
        votes = sorted((await session.execute(select(PollVote.option_id))).scalars().all())
    assert len(ballots) == 1
    assert votes in ([tea], sorted([coffee, juice]))


async def test_ranked_poll_irv(polls: PollService) -> None:
    candidates = [
        Candidate("Kronstadt", "kronstadt"),
        Candidate("Makhno", "makhno"),
        Candidate("Berkman", "berkman"),
    ]
    poll = await polls.create_ranked(GUILD, CHANNEL, ORGANISER, "Next reading?", candidates, "3d")
    k, m, b = (o.id for o in poll.options)
    assert [o.payload for o in poll.options] == ["kronstadt", "makhno", "berkman"]
    with pytest.raises(UserError, match="rank"):
        await polls.vote(poll.id, GUILD, MEMBER, [k])
    with pytest.raises(UserError, match="only once"):
        await polls.rank(poll.id, GUILD, MEMBER, [k, k])
    for user, order in [(10, [k]), (11, [k]), (12, [m, b]), (13, [b, m]), (14, [b, m])]:
        await polls.rank(poll.id, GUILD, user, order)
    await polls.rank(poll.id, GUILD, 12, [m, b])  # re-ranking replaces
    # R1: K2 M1 B2 -> M out, its ballot goes to B -> B3 of 5.
    outcome = await polls.close(poll.id, GUILD, ORGANISER, actor_is_organiser=True)
    assert outcome.result.winners == (b,)
    assert outcome.result.irv is not None
    assert outcome.result.irv.rounds[0] == {str(k): 2, str(m): 1, str(b): 2}
    assert [o.votes for o in outcome.result.options] == [2, 1, 2]


async def test_time_poll_ties_go_to_earliest(polls: PollService) -> None:
    base = datetime(2026, 3, 10, 18, tzinfo=UTC)
    slots = [base + timedelta(days=2), base, base + timedelta(days=1)]
    poll = await polls.create_time(GUILD, CHANNEL, ORGANISER, "When?", slots, duration_text="1d")
    late, early, mid = (o.id for o in poll.options)
    assert poll.options[1].label == "2026-03-10 18:00 UTC"
    assert datetime.fromisoformat(poll.options[1].payload or "") == base
    await polls.vote(poll.id, GUILD, 10, [late, early])
    await polls.vote(poll.id, GUILD, 11, [late, early, mid])
    result = await polls.results(poll.id, GUILD)
    assert result.winners == (early,)
    with pytest.raises(UserError):
        await polls.create_time(GUILD, CHANNEL, ORGANISER, "When?", [base], duration_text="1d")
    with pytest.raises(UserError, match="same"):
        await polls.create_time(
            GUILD, CHANNEL, ORGANISER, "When?", [base, base], duration_text="1d"
        )


# ---- results, closing -----------------------------------------------------------------------


async def test_hidden_results_until_close(
    polls: PollService, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    poll = await simple(polls, hide_results=True)
    await polls.vote(poll.id, GUILD, MEMBER, [poll.options[0].id])
    with pytest.raises(UserError, match="hidden until the poll closes"):
        await polls.results(poll.id, GUILD)
    assert await ballots_in(session_factory, poll.id) == 1
    await polls.close(poll.id, GUILD, CREATOR, actor_is_organiser=False)
    assert [o.votes for o in (await polls.results(poll.id, GUILD)).options] == [1, 0, 0]


async def test_close_permissions_and_idempotence(polls: PollService, hooks: Hooks) -> None:
    poll = await simple(polls)
    await polls.vote(poll.id, GUILD, MEMBER, [poll.options[1].id])
    with pytest.raises(PermissionDenied):
        await polls.close(poll.id, GUILD, MEMBER, actor_is_organiser=False)
    first = await polls.close(poll.id, GUILD, CREATOR, actor_is_organiser=False)
    again = await polls.close(poll.id, GUILD, ORGANISER, actor_is_organiser=True)
    timer = await polls.close_due(poll.id, GUILD)
    assert [first.newly_closed, again.newly_closed, timer.newly_closed] == [True, False, False]
    assert first.result == again.result == timer.result
    assert first.result.winners == (poll.options[1].id,)
    assert hooks.cancelled == [(GUILD, poll.id)]
    assert not (await polls.get(poll.id, GUILD)).is_open


async def test_concurrent_closes_announce_once(polls: PollService) -> None:
    poll = await simple(polls)
    outcomes = await asyncio.gather(*(polls.close_due(poll.id, GUILD) for _ in range(8)))
    assert sum(outcome.newly_closed for outcome in outcomes) == 1


async def test_close_overdue_after_restart(polls: PollService, clock: FakeClock) -> None:
    due = await simple(polls)
    later = await polls.create(GUILD, CHANNEL, CREATOR, "later?", "a; b", "3d")
    assert {p.id for p in await polls.recent(GUILD, open_only=True)} == {due.id, later.id}
    clock.advance(timedelta(hours=3))
    closed = await polls.close_overdue()
    assert [outcome.poll.id for outcome in closed] == [due.id]
    assert await polls.close_overdue() == []
    assert [p.id for p in await polls.recent(GUILD, open_only=True)] == [later.id]


async def test_guild_isolation(polls: PollService) -> None:
    theirs = await polls.create(OTHER, CHANNEL, CREATOR, "their secret?", "x; y", "1h")
    option = theirs.options[0].id
    calls = [
        polls.get(theirs.id, GUILD),
        polls.vote(theirs.id, GUILD, MEMBER, [option]),
        polls.rank(theirs.id, GUILD, MEMBER, [option]),
        polls.results(theirs.id, GUILD),
        polls.voters(theirs.id, GUILD),
        polls.close(theirs.id, GUILD, ORGANISER, actor_is_organiser=True),
        polls.close_due(theirs.id, GUILD),
        polls.attach_message(theirs.id, GUILD, 1),
        polls.retract(theirs.id, GUILD, MEMBER),
    ]
    for call in calls:
        with pytest.raises(NotFound) as raised:
            await call
        assert "secret" not in raised.value.message
    # A member of GUILD cannot vote with another server's option ids either.
    mine = await simple(polls)
    with pytest.raises(UserError, match="not part"):
        await polls.vote(mine.id, GUILD, MEMBER, [option])
    assert await polls.recent(GUILD) == [await polls.get(mine.id, GUILD)]
    assert (await polls.get(theirs.id, OTHER)).is_open


# ---- anonymity ------------------------------------------------------------------------------


async def test_anonymous_poll_never_reveals_voters(
    polls: PollService, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    poll = await simple(polls, anonymous=True)
    voters = [123456789012345678, 223456789012345678, 323456789012345678]
    for user in voters:
        await polls.vote(poll.id, GUILD, user, [poll.options[0].id])
    await polls.vote(poll.id, GUILD, voters[0], [poll.options[2].id])  # dedupe still works
    assert await ballots_in(session_factory, poll.id) == 3
    assert await polls.has_voted(poll.id, GUILD, voters[1])
    with pytest.raises(PermissionDenied):
        await polls.voters(poll.id, GUILD)

    async def no_raw_ids() -> None:
        async with session_factory() as session:
            rows = (await session.execute(select(PollBallot))).scalars().all()
            polls_rows = (await session.execute(select(Poll))).scalars().all()
        assert len(rows) == 3
        for row in rows:
            assert row.user_id is None
            assert all(str(user) not in row.voter_key for user in voters)
        dumped = repr([vars(r) for r in rows]) + repr([vars(p) for p in polls_rows])
        assert all(str(user) not in dumped for user in voters)

    await no_raw_ids()
    outcome = await polls.close(poll.id, GUILD, CREATOR, actor_is_organiser=False)
    assert [o.votes for o in outcome.result.options] == [2, 0, 1]
    assert all(str(user) not in repr(outcome) for user in voters)
    await no_raw_ids()
    async with session_factory() as session:
        assert (await session.get(Poll, poll.id)).voter_salt is None  # type: ignore[union-attr]
    assert not await polls.has_voted(poll.id, GUILD, voters[1])  # unknowable after close


def test_no_public_method_returns_voters_except_the_guarded_one() -> None:
    # Every public PollService method that could expose member ids is listed here; a new one
    # must be reviewed for anonymous polls before it is added to this list.
    public = {
        name
        for name, _ in inspect.getmembers(PollService, inspect.isfunction)
        if not name.startswith("_")
    }
    assert public == {
        "attach_message", "by_number", "close", "close_due", "close_overdue", "create",
        "create_ranked", "create_time", "forget_ballot", "get", "has_voted", "rank", "recent",
        "record_native_close", "results", "retract", "track_native", "vote", "voters",
    }  # fmt: skip


async def test_close_overdue_closes_only_this_processes_servers(session_factory) -> None:
    clock = FakeClock(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    polls = PollService(session_factory, clock)
    mine = await polls.create(GUILD, 1, CREATOR, "Mine?", "a; b", "1h")
    theirs = await polls.create(GUILD + 1, 1, CREATOR, "Theirs?", "a; b", "1h")
    clock.advance(timedelta(hours=2))
    closed = await polls.close_overdue(lambda guild_id: guild_id == GUILD)
    assert [outcome.poll.id for outcome in closed] == [mine.id]
    assert (await polls.get(theirs.id, GUILD + 1)).closed_at is None
