"""PromptService.search: the look-up behind prompt-id autocomplete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.discussion.prompts import PromptService
from bot.scheduling.clock import FakeClock

GUILD, OTHER, ALICE = 111, 222, 1


@pytest.fixture
def prompts(session_factory: async_sessionmaker[AsyncSession]) -> PromptService:
    return PromptService(session_factory, FakeClock(datetime(2026, 3, 1, tzinfo=UTC)))


async def test_search_by_text_id_and_server(prompts: PromptService) -> None:
    sailors = await prompts.add(GUILD, ALICE, "What did the SAILORS want?")
    percent = await prompts.add(GUILD, ALICE, "Was 100% of the soviet elected?")
    other = await prompts.add(OTHER, ALICE, "What did the sailors eat?")
    newest_first = [p.id for p in await prompts.search(GUILD, "")]
    assert newest_first == [percent.id, sailors.id]
    assert [p.id for p in await prompts.search(GUILD, "sailors")] == [sailors.id]
    # LIKE wildcards in the query are literal characters.
    assert [p.id for p in await prompts.search(GUILD, "100%")] == [percent.id]
    assert await prompts.search(GUILD, "%") == [percent]
    assert await prompts.search(GUILD, "_") == []
    # An id (with or without #) comes first; another server's id matches nothing.
    assert (await prompts.search(GUILD, f"#{sailors.id}"))[0].id == sailors.id
    assert all(p.guild_id == GUILD for p in await prompts.search(GUILD, str(other.id)))


async def test_search_is_bounded(prompts: PromptService) -> None:
    for n in range(30):
        await prompts.add(GUILD, ALICE, f"question {n}")
    found = await prompts.search(GUILD, "question", limit=100)
    assert len(found) == 25
    assert found[0].text == "question 29"
    assert len(await prompts.search(GUILD, "question", limit=3)) == 3
