"""Reading a question out of a mention, the shared per-channel cooldown, and aligning a
quoted passage with its source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.library.asking import ChannelCooldown, question_from
from bot.library.search.passages import align, blind


def test_the_question_is_what_follows_or_surrounds_the_mention() -> None:
    assert question_from("<@42> what did point 8 demand?", 42) == "what did point 8 demand?"
    assert question_from("so <@!42>, who was Kozlovsky", 42) == "so , who was Kozlovsky"
    assert question_from("<@42>", 42) == ""
    assert question_from("<@43> hello", 42) is None
    assert question_from("what did point 8 demand?", 42) is None


async def test_the_cooldown_is_shared_by_every_process(session_factory) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock = [now]
    first = ChannelCooldown(session_factory, lambda: clock[0])
    second = ChannelCooldown(session_factory, lambda: clock[0])  # another shard process
    claims = [await first.allow(7), await second.allow(7), await first.allow(7)]
    assert claims == [True, True, True]
    assert not await second.allow(7)  # the fourth in the window, whoever receives it
    assert not await first.allow(7)
    assert await first.allow(8)  # another channel has its own window
    clock[0] = now + timedelta(seconds=31)
    assert await second.allow(7)  # a new window


def test_blind_text_keeps_offsets_into_the_original() -> None:
    text = "“Kronstadt—the  État!”"
    folded, where = blind(text)
    assert folded == "kronstadt the etat "
    assert text[where[len("kronstadt the ")]] == "É"


def test_alignment_tolerates_punctuation_small_changes_and_a_cut() -> None:
    source = (
        "Most unfortunately, these expectations were doomed to disappointment. The Communist "
        "State showed no intention of loosening the yoke."
    )
    exact, passage = align("the Communist State showed no intention", source)
    assert exact == 100.0
    assert passage == "…The Communist State showed no intention…"
    loose, _ = align("“The communist state showed NO intention of loosening the yoke!”", source)
    assert loose >= 95
    reworded, _ = align("these hopes were doomed to disappointment", source)
    assert 78 <= reworded < 100
    unrelated, _ = align("the cat sat on the warm windowsill watching pigeons", source)
    assert unrelated < 78
