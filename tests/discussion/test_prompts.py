"""PromptService against a real (SQLite) database."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.discussion import Prompt
from bot.discussion.prompts import PromptService
from bot.errors import NotFound, PermissionDenied, UserError
from bot.scheduling.clock import FakeClock

GUILD, OTHER = 111, 222
ALICE, BOB, ORGANISER = 1, 2, 3


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 12, tzinfo=UTC))


@pytest.fixture
def prompts(session_factory: async_sessionmaker[AsyncSession], clock: FakeClock) -> PromptService:
    return PromptService(session_factory, clock, rng=random.Random(7))


async def test_add_strips_and_stores(prompts: PromptService, clock: FakeClock) -> None:
    added = await prompts.add(
        GUILD, ALICE, "  Was Kronstadt inevitable?  \n", reading_id="kronstadt"
    )
    assert added.text == "Was Kronstadt inevitable?"
    got = await prompts.get(GUILD, added.id)
    assert got == added
    assert got.created_at == clock()
    assert got.reading_id == "kronstadt"


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 1001])
async def test_add_rejects_bad_length_and_changes_nothing(
    prompts: PromptService, text: str
) -> None:
    with pytest.raises(UserError):
        await prompts.add(GUILD, ALICE, text)
    assert (await prompts.list(GUILD)).total == 0


async def test_mentions_are_stored_verbatim_but_length_limited(prompts: PromptService) -> None:
    added = await prompts.add(GUILD, ALICE, "@everyone <@&1> " + "y" * 900)
    assert added.text.startswith("@everyone <@&1>")
    assert len((await prompts.add(GUILD, ALICE, "z" * 1000)).text) == 1000


async def test_list_pages_and_reading_filter(prompts: PromptService) -> None:
    for index in range(12):
        await prompts.add(GUILD, ALICE, f"q{index}", reading_id="a" if index % 2 else None)
    first = await prompts.list(GUILD, page=1, per_page=5)
    assert (first.total, first.pages, [p.text for p in first.items]) == (
        12,
        3,
        ["q0", "q1", "q2", "q3", "q4"],
    )
    last = await prompts.list(GUILD, page=99, per_page=5)
    assert (last.page, [p.text for p in last.items]) == (3, ["q10", "q11"])
    only_a = await prompts.list(GUILD, reading_id="a", per_page=25)
    assert [p.text for p in only_a.items] == ["q1", "q3", "q5", "q7", "q9", "q11"]


async def test_random_rotates_without_repeats(prompts: PromptService) -> None:
    ids = {(await prompts.add(GUILD, ALICE, f"p{index}")).id for index in range(7)}
    first_rotation = [(await prompts.random(GUILD)).id for _ in range(7)]
    assert sorted(first_rotation) == sorted(ids)
    second_rotation = [(await prompts.random(GUILD)).id for _ in range(7)]
    assert sorted(second_rotation) == sorted(ids)
    # A new rotation never starts with the prompt that ended the previous one.
    assert second_rotation[0] != first_rotation[-1]


async def test_random_rotation_per_reading_and_new_prompts_join(prompts: PromptService) -> None:
    a1 = await prompts.add(GUILD, ALICE, "a1", reading_id="a")
    await prompts.add(GUILD, ALICE, "general")
    assert (await prompts.random(GUILD, reading_id="a")).id == a1.id
    a2 = await prompts.add(GUILD, ALICE, "a2", reading_id="a")
    assert (await prompts.random(GUILD, reading_id="a")).id == a2.id
    with pytest.raises(NotFound):
        await prompts.random(GUILD, reading_id="none-here")
    with pytest.raises(NotFound):
        await prompts.random(OTHER)


async def test_mark_used_and_unused_for_session(prompts: PromptService, clock: FakeClock) -> None:
    general = await prompts.add(GUILD, ALICE, "general")
    first = await prompts.add(GUILD, ALICE, "r1", reading_id="r")
    second = await prompts.add(GUILD, ALICE, "r2", reading_id="r")
    await prompts.add(GUILD, ALICE, "other reading", reading_id="s")
    session_at = datetime(2026, 3, 5, 18, tzinfo=UTC)
    used = await prompts.mark_used(GUILD, first.id, session=session_at)
    assert (used.used_at, used.used_in_session) == (clock(), session_at)
    picked = await prompts.unused_for_session(GUILD, "r", limit=3)
    assert [p.id for p in picked] == [second.id, general.id]
    assert [p.id for p in await prompts.unused_for_session(GUILD, "r", limit=1)] == [second.id]
    with pytest.raises(NotFound):
        await prompts.mark_used(OTHER, first.id)


async def test_delete_permissions(prompts: PromptService) -> None:
    mine = await prompts.add(GUILD, ALICE, "mine")
    with pytest.raises(PermissionDenied):
        await prompts.delete(GUILD, mine.id, BOB, actor_is_organiser=False)
    await prompts.delete(GUILD, mine.id, ALICE, actor_is_organiser=False)
    theirs = await prompts.add(GUILD, BOB, "theirs")
    await prompts.random(GUILD)  # leaves a draw marker that must go with the prompt
    await prompts.delete(GUILD, theirs.id, ORGANISER, actor_is_organiser=True)
    assert (await prompts.list(GUILD)).total == 0


async def test_guild_isolation(prompts: PromptService) -> None:
    secret = await prompts.add(OTHER, BOB, "other server's secret")
    with pytest.raises(NotFound) as raised:
        await prompts.get(GUILD, secret.id)
    assert "secret" not in raised.value.message
    for call in (
        prompts.mark_used(GUILD, secret.id),
        prompts.delete(GUILD, secret.id, ORGANISER, actor_is_organiser=True),
    ):
        with pytest.raises(NotFound):
            await call
    assert (await prompts.list(GUILD)).total == 0
    assert await prompts.unused_for_session(GUILD, None, 5) == []
    _, exported = await prompts.export(GUILD, "csv")
    assert b"secret" not in exported
    assert await prompts.anonymise_author(GUILD, BOB) == 0
    assert (await prompts.get(OTHER, secret.id)).author_id == BOB


async def test_export_markdown_and_csv(prompts: PromptService, clock: FakeClock) -> None:
    used = await prompts.add(GUILD, ALICE, "Why did the soviets lose power?\nDiscuss.", "kronstadt")
    await prompts.mark_used(GUILD, used.id, session=datetime(2026, 3, 5, 18, tzinfo=UTC))
    await prompts.add(GUILD, BOB, '=HYPERLINK("http://x")')
    name, data = await prompts.export(GUILD, "markdown")
    assert name == "prompts-2026-03-01.md"
    text = data.decode()
    assert "## General" in text
    assert "## Reading: kronstadt" in text
    assert f"**#{used.id}** Why did the soviets lose power?\n  Discuss." in text
    assert "used in the session of 2026-03-05 18:00 UTC" in text
    assert "_unused_" in text

    name, data = await prompts.export(GUILD, "CSV")
    assert name == "prompts-2026-03-01.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [row["id"] for row in rows] == [str(used.id), str(used.id + 1)]
    assert rows[0]["text"] == "Why did the soviets lose power?\nDiscuss."
    assert rows[0]["used_in_session"] == "2026-03-05T18:00:00Z"
    assert rows[0]["reading"] == "kronstadt"
    assert rows[1]["text"].startswith("'=")  # no formula injection in spreadsheets
    assert rows[1]["used_at"] == ""
    with pytest.raises(UserError):
        await prompts.export(GUILD, "pdf")


async def test_seed_starter_prompts_is_idempotent(prompts: PromptService) -> None:
    pack = {"kronstadt": ["What did the sailors demand?", "Who was Petrichenko?"], None: ["Open?"]}
    assert await prompts.seed_starter_prompts(GUILD, pack) == 3
    assert await prompts.seed_starter_prompts(GUILD, pack) == 0
    listed = await prompts.list(GUILD, per_page=25)
    victim = next(p for p in listed.items if p.text == "Open?")
    await prompts.delete(GUILD, victim.id, ORGANISER, actor_is_organiser=True)
    assert await prompts.seed_starter_prompts(GUILD, pack) == 0  # deleted starters stay deleted
    assert await prompts.seed_starter_prompts(OTHER, pack) == 3
    assert all(p.author_id is None for p in listed.items)
    with pytest.raises(ValueError, match="starter prompt"):
        await prompts.seed_starter_prompts(GUILD, {"x": ["y" * 1001]})


async def test_anonymise_author(
    prompts: PromptService, session_factory: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await prompts.add(GUILD, ALICE, "one")
    await prompts.add(GUILD, ALICE, "two")
    kept = await prompts.add(GUILD, BOB, "three")
    clock.advance(timedelta(days=1))
    assert await prompts.anonymise_author(GUILD, ALICE) == 2
    async with session_factory() as session:
        authors = list(
            (await session.execute(select(Prompt.author_id).order_by(Prompt.id))).scalars()
        )
    assert authors == [None, None, BOB]
    with pytest.raises(PermissionDenied):  # nobody is the author of an anonymised prompt now
        await prompts.delete(GUILD, kept.id - 2, ALICE, actor_is_organiser=False)
