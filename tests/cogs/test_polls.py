"""/poll end to end through the Discord double: buttons, selects, ranked ballots, time slots,
native polls, closing on time (also across restarts), anonymity and mention abuse."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select as sql_select

from bot.client import StudyCircle
from bot.db.models.scheduling import Timer
from bot.errors import UserError
from bot.scheduling.clock import FakeClock
from bot.scheduling.timers import CANCELLED
from bot.services import POLL_CLOSE, poll_close_key
from discord_double import DiscordDouble, find_button, iter_components
from discord_double.interactions import CommandError, InteractionReply
from discord_double.state import FakeUser
from tests.cogs.polls_support import poll_id, posted
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import BotRunner, Server

PNG = b"\x89PNG\r\n\x1a\n"
ABUSE = "@everyone @here <@&123> <@456> <@!789>"


# ---- helpers ---------------------------------------------------------------------------------


def components(message: Mapping[str, Any] | InteractionReply) -> list[Mapping[str, Any]]:
    data = message.message if isinstance(message, InteractionReply) else message
    assert data is not None
    return list(iter_components(data["components"]))


def select(message: Mapping[str, Any] | InteractionReply) -> Mapping[str, Any]:
    found = [c for c in components(message) if c.get("type") == 3]
    assert len(found) == 1, components(message)
    return found[0]


def option_value(menu: Mapping[str, Any], label: str) -> str:
    return next(o["value"] for o in menu["options"] if o["label"] == label)


def shorten(label: str) -> str:
    """How the instant-runoff rounds abbreviate an option (28 characters)."""
    return label if len(label) <= 28 else label[:27].rstrip() + "…"


async def vote(
    double: DiscordDouble, server: Server, user: FakeUser, poll: InteractionReply, label: str
) -> InteractionReply:
    reply = await double.press(server.guild, user, poll, label)
    assert reply.ephemeral, reply.text
    return reply


def members(double: DiscordDouble, server: Server, count: int) -> list[FakeUser]:
    return [double.add_member(server.guild, f"voter-{n}") for n in range(count)]


def bot_posts(double: DiscordDouble, server: Server) -> list[dict[str, Any]]:
    return double.channel_messages(server.guild.general)


def announcements(double: DiscordDouble, server: Server) -> list[dict[str, Any]]:
    return [m for m in bot_posts(double, server) if "has closed" in m["content"]]


def all_bodies_text(double: DiscordDouble, since: int = 0) -> str:
    return "\n".join(
        json.dumps(r.json) for r in double.requests[since:] if r.json is not None
    ) + "".join(
        f.data.decode("utf-8", "replace")
        for r in double.requests[since:]
        for f in r.files
        if not f.data.startswith(PNG)
    )


async def create(
    double: DiscordDouble,
    bot: StudyCircle,
    server: Server,
    user: FakeUser | None = None,
    **options: Any,
) -> InteractionReply:
    values = {"question": "Next week?", "options": "Serge; Brinton; Pirani"} | options
    member = user or server.member
    if not options.get("native"):
        return await posted(double, bot, server, member, "poll create", values)
    reply = await double.slash(server.guild, member, "poll create", values)
    assert not reply.ephemeral, reply.text
    return reply


# ---- creating and voting ---------------------------------------------------------------------


async def test_create_vote_change_and_results(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    poll = await create(double, bot, server)
    assert [c["label"] for c in components(poll) if c.get("type") == 2] == [
        "Serge",
        "Brinton",
        "Pirani",
        "Results",
        "Withdraw my vote",
    ]
    assert "Next week?" in poll.text
    assert "Closes" in poll.text
    first = await vote(double, server, server.member, poll, "Serge")
    assert "Your vote in poll" in first.content
    assert "**Serge**" in first.content
    assert "replaces" not in first.content
    changed = await vote(double, server, server.member, poll, "Brinton")
    assert "**Brinton**" in changed.content
    assert "replaces your earlier vote" in changed.content
    await vote(double, server, server.organiser, poll, "Brinton")

    results = await double.slash(server.guild, server.member, "poll results", id=poll_id(poll))
    assert results.ephemeral
    assert "**Brinton** — 2 votes (100%) 🏆" in results.text
    assert "**Serge** — 0 votes" in results.text
    assert "Brinton** wins with 2 of 2 ballots" in results.text
    [chart] = results.files
    assert chart.name == f"poll-{poll_id(poll)}.png"
    assert chart.data.startswith(PNG)
    assert results.embeds[0]["image"]["url"] == f"attachment://{chart.name}"

    withdrawn = await double.press(server.guild, server.member, poll, "Withdraw my vote")
    assert "withdrawn" in withdrawn.content
    again = await double.press(server.guild, server.member, poll, "Withdraw my vote")
    assert "no vote" in again.content
    live = await double.press(server.guild, server.member, poll, "Results")
    assert live.ephemeral
    assert "**Brinton** — 1 vote (100%)" in live.text


async def test_multiple_choice_uses_a_select_and_replaces_the_selection(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    poll = await create(double, bot, server, options="tea; coffee; juice; water", multiple=True)
    menu = select(poll)
    assert (menu["min_values"], menu["max_values"]) == (1, 4)
    picked = [option_value(menu, "tea"), option_value(menu, "juice")]
    reply = await double.select(server.guild, server.member, poll, menu["custom_id"], picked)
    assert "**tea**, **juice**" in reply.content
    await double.select(
        server.guild, server.organiser, poll, menu["custom_id"], [option_value(menu, "juice")]
    )
    replaced = await double.select(
        server.guild, server.member, poll, menu["custom_id"], [option_value(menu, "water")]
    )
    assert "replaces your earlier vote" in replaced.content
    result = await bot.services.polls.results(poll_id(poll), server.guild.id)
    assert {o.label: o.votes for o in result.options} == {
        "tea": 0,
        "coffee": 0,
        "juice": 1,
        "water": 1,
    }


async def test_more_than_ten_options_use_a_single_choice_select(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    options = "; ".join(f"option {n}" for n in range(1, 13))
    poll = await create(double, bot, server, options=options)
    menu = select(poll)
    assert (menu["max_values"], len(menu["options"])) == (1, 12)
    assert not [c for c in components(poll) if c.get("custom_id", "").startswith("poll:v:")]
    reply = await double.select(
        server.guild, server.member, poll, menu["custom_id"], [option_value(menu, "option 12")]
    )
    assert "**option 12**" in reply.content


async def test_twenty_members_clicking_at_once_are_counted_exactly(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    poll = await create(double, bot, server)
    voters = members(double, server, 20)
    labels = ["Serge", "Brinton", "Pirani"]
    replies = await asyncio.gather(
        *(double.press(server.guild, voter, poll, labels[n % 3]) for n, voter in enumerate(voters))
    )
    assert all("Your vote in poll" in reply.content for reply in replies)
    # Twelve change their minds, all at once, while the rest keep their first vote.
    await asyncio.gather(
        *(double.press(server.guild, voter, poll, "Pirani") for voter in voters[:8]),
        *(double.press(server.guild, voter, poll, "Serge") for voter in voters[8:12]),
    )
    result = await bot.services.polls.results(poll_id(poll), server.guild.id)
    # Voters 12..19 kept Serge, Brinton, Pirani, Serge, Brinton, Pirani, Serge, Brinton.
    assert {o.label: o.votes for o in result.options} == {"Serge": 7, "Brinton": 3, "Pirani": 10}
    assert result.ballots == 20


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"options": "only one"}, "at least 2 options"),
        ({"options": "; ".join(f"o{n}" for n in range(26))}, "at most 25 options"),
        ({"options": "tea; Tea"}, "listed twice"),
        ({"options": "tea; " + "x" * 81}, "option 2 is 81 characters"),
        ({"question": "q" * 301}, "question is 301 characters"),
        ({"question": "   "}, "question is empty"),
        ({"duration": "soon"}, "not a duration"),
        ({"duration": "40d"}, "between 1 minute and 32 days"),
    ],
)
async def test_bad_poll_input_is_refused_and_changes_nothing(
    double: DiscordDouble,
    bot: StudyCircle,
    server: Server,
    options: dict[str, str],
    expected: str,
) -> None:
    values = {"question": "Next week?", "options": "Serge; Brinton"} | options
    reply = await double.slash(server.guild, server.member, "poll create", values)
    assert reply.ephemeral
    assert expected in reply.content
    assert await bot.services.polls.recent(server.guild.id) == []


async def test_voting_on_an_unknown_option_or_a_copied_custom_id_finds_nothing(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    poll = await create(double, bot, server)
    pid = poll_id(poll)
    # The same poll id seen from another server is not there.
    elsewhere = await double.slash(other_server.guild, other_server.member, "poll results", id=pid)
    assert elsewhere.ephemeral
    assert f"no poll #{pid}" in elsewhere.content
    closing = await double.slash(other_server.guild, other_server.organiser, "poll close", id=pid)
    assert f"no poll #{pid}" in closing.content
    assert (await bot.services.polls.get(pid, server.guild.id)).is_open
    with pytest.raises(UserError):
        await bot.services.polls.vote(pid, server.guild.id, server.member.id, [999_999])
    choices = await double.autocomplete(
        other_server.guild, other_server.member, "poll results", "id", ""
    )
    assert choices == []
    # Ids beyond the 32-bit column (PostgreSQL would refuse them) are simply not found.
    for huge in (2**31, 2**53):
        reply = await double.slash(server.guild, server.member, "poll results", id=huge)
        assert f"no poll #{huge}" in reply.content


# ---- closing ---------------------------------------------------------------------------------


async def test_poll_closes_at_its_deadline(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    poll = await create(double, timed_bot, server, duration="2h")
    await vote(double, server, server.member, poll, "Pirani")
    await vote(double, server, server.organiser, poll, "Pirani")
    clock.advance(timedelta(hours=1, minutes=59))
    await timed_bot.dispatcher.settle()
    assert announcements(double, server) == []
    clock.advance(timedelta(minutes=2))
    await timed_bot.dispatcher.settle()

    [announcement] = announcements(double, server)
    assert "**Pirani** wins with 2 of 2 ballots" in announcement["content"]
    [attachment] = announcement["attachments"]
    assert attachment["filename"] == f"poll-{poll_id(poll)}.png"
    edited = double.message(poll.message_id)
    assert "closed" in edited["embeds"][0]["title"]
    votes = [c for c in components(edited) if c.get("custom_id", "").startswith("poll:v:")]
    assert votes
    assert all(c["disabled"] for c in votes)
    assert not [c for c in components(edited) if c.get("label") == "Withdraw my vote"]
    with pytest.raises(CommandError, match="disabled"):
        await vote(double, server, server.member, poll, "Serge")
    # Results stay available on the closed poll, and a late vote is refused server-side.
    final = await double.press(server.guild, server.member, edited, "Results")
    assert "**Pirani** — 2 votes (100%)" in final.text
    info = await timed_bot.services.polls.get(poll_id(poll), server.guild.id)
    with pytest.raises(UserError, match="closed"):
        await timed_bot.services.polls.vote(
            info.id, server.guild.id, server.member.id, [info.options[0].id]
        )


async def test_poll_closes_once_after_a_restart_and_its_buttons_keep_working(
    double: DiscordDouble, bot_runner: BotRunner, server: Server, clock: FakeClock
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        poll = await create(double, bot, server, duration="1h")
        other = await create(double, bot, server, duration="3d", question="Later?")
        await vote(double, server, server.member, poll, "Serge")

    # Restarted before the deadline: the old buttons still vote.
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await vote(double, server, server.organiser, poll, "Serge")
        later = await vote(double, server, server.member, other, "Brinton")
        assert "**Brinton**" in later.content
    assert announcements(double, server) == []

    # Down while the deadline passes (well beyond the timer grace): closed and announced once.
    clock.advance(timedelta(hours=5))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await double.wait_for(
            lambda r: (
                r.method == "POST"
                and r.path == f"/channels/{server.guild.general.id}/messages"
                and "has closed" in (r.json or {}).get("content", "")
            )
        )
        await bot.dispatcher.settle()
        assert not (await bot.services.polls.get(poll_id(poll), server.guild.id)).is_open
        assert (await bot.services.polls.get(poll_id(other), server.guild.id)).is_open
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        # Closing at start-up cancels the timer, so organisers get no "missed" notice for it.
        async with bot.session_factory() as session:
            status = await session.scalar(
                sql_select(Timer.status).where(Timer.dedupe_key == poll_close_key(poll_id(poll)))
            )
        assert status == CANCELLED
        pending = await bot.timers.pending(server.guild.id, kinds=[POLL_CLOSE])
        assert [t.payload["poll_id"] for t in pending] == [poll_id(other)]
    [announcement] = announcements(double, server)
    assert "**Serge** wins with 2 of 2 ballots" in announcement["content"]


async def test_close_early_by_creator_or_organiser_only(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    stranger = double.add_member(server.guild, "stranger")
    poll = await create(double, bot, server, user=server.member)
    pid = poll_id(poll)
    refused = await double.slash(server.guild, stranger, "poll close", id=pid)
    assert refused.ephemeral
    assert "creator or an organiser" in refused.content
    assert (await bot.services.polls.get(pid, server.guild.id)).is_open
    assert announcements(double, server) == []

    closed = await double.slash(server.guild, server.member, "poll close", id=pid)
    assert closed.ephemeral
    assert f"Poll #{pid} is closed" in closed.content
    assert len(announcements(double, server)) == 1
    again = await double.slash(server.guild, server.organiser, "poll close", id=pid)
    assert "already closed" in again.content
    assert len(announcements(double, server)) == 1

    theirs = await create(double, bot, server, user=server.member, question="Another?")
    by_organiser = await double.slash(
        server.guild, server.organiser, "poll close", id=poll_id(theirs)
    )
    assert "is closed" in by_organiser.content
    assert len(announcements(double, server)) == 2


async def test_results_go_to_the_configured_polls_channel(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    polls_channel = double.add_channel(server.guild, "polls")
    await double.slash(
        server.guild, server.organiser, "config channel", purpose="polls", channel=polls_channel
    )
    poll = await create(double, bot, server)
    reply = await double.slash(server.guild, server.member, "poll close", id=poll_id(poll))
    assert f"<#{polls_channel.id}>" in reply.content
    [posted] = double.channel_messages(polls_channel)
    assert "has closed" in posted["content"]
    assert str(poll.message_id) in posted["content"]


async def test_autocomplete_lists_this_servers_polls_with_their_question(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    first = await create(double, bot, server, question="Tea or coffee?", options="tea; coffee")
    await create(double, bot, server, question="Which film?", options="a; b")
    await double.slash(server.guild, server.organiser, "poll close", id=poll_id(first))
    every = await double.autocomplete(server.guild, server.member, "poll results", "id", "")
    assert [c["name"] for c in every] == [
        "#2 Which film?",
        f"#{poll_id(first)} (closed) Tea or coffee?",
    ]
    assert every[1]["value"] == poll_id(first)
    only_open = await double.autocomplete(server.guild, server.member, "poll close", "id", "")
    assert [c["value"] for c in only_open] == [2]
    by_text = await double.autocomplete(server.guild, server.member, "poll results", "id", "tea")
    assert [c["value"] for c in by_text] == [poll_id(first)]


# ---- privacy ---------------------------------------------------------------------------------


async def test_anonymous_poll_never_reveals_who_voted_for_what(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    voters = members(double, server, 4)
    start = len(double.requests)
    poll = await create(double, bot, server, anonymous=True)
    assert "Anonymous" in poll.text
    for voter, label in zip(voters, ["Serge", "Serge", "Pirani", "Brinton"], strict=True):
        reply = await vote(double, server, voter, poll, label)
        assert "anonymous" in reply.content
    refused = await double.slash(
        server.guild, server.organiser, "poll results", id=poll_id(poll), voters=True
    )
    assert refused.ephemeral
    assert "anonymous" in refused.content
    live = await double.slash(server.guild, server.organiser, "poll results", id=poll_id(poll))
    assert "**Serge** — 2 votes" in live.text
    await double.slash(server.guild, server.organiser, "poll close", id=poll_id(poll))
    after = await double.slash(
        server.guild, server.organiser, "poll results", id=poll_id(poll), voters=True
    )
    assert "anonymous" in after.content

    sent = all_bodies_text(double, start)
    for voter in voters:
        assert str(voter.id) not in sent
        assert voter.name not in sent
    with pytest.raises(UserError):
        await bot.services.polls.voters(poll_id(poll), server.guild.id)


async def test_open_poll_can_list_its_voters_without_pinging_them(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    poll = await create(double, bot, server)
    await vote(double, server, server.member, poll, "Pirani")
    start = len(double.requests)
    reply = await double.slash(
        server.guild, server.organiser, "poll results", id=poll_id(poll), voters=True
    )
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Voted Pirani"] == f"<@{server.member.id}>"
    assert fields["Voted Serge"] == "nobody"
    assert assert_mentions_inert(double, start) >= 1


async def test_hidden_results_show_no_tally_until_close(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    poll = await create(double, bot, server, hide_results=True)
    assert "hidden until the poll closes" in poll.text
    reply = await vote(double, server, server.member, poll, "Brinton")
    assert "**Brinton**" in reply.content
    assert not re.search(r"\d+ votes?\b|%", reply.content)
    hidden = await double.slash(server.guild, server.member, "poll results", id=poll_id(poll))
    assert hidden.ephemeral
    assert "hidden until the poll closes" in hidden.content
    assert not hidden.files
    button_results = await double.press(server.guild, server.organiser, poll, "Results")
    assert "hidden until the poll closes" in button_results.content
    await double.slash(server.guild, server.member, "poll close", id=poll_id(poll))
    shown = await double.slash(server.guild, server.member, "poll results", id=poll_id(poll))
    assert "**Brinton** — 1 vote (100%)" in shown.text


# ---- ranked choice ---------------------------------------------------------------------------

CANDIDATES = "serge-kronstadt-21; brinton-1970; pirani-2008; mckay-2020"


async def rank(
    double: DiscordDouble, server: Server, voter: FakeUser, poll: InteractionReply, *labels: str
) -> InteractionReply:
    ballot = await double.press(server.guild, voter, poll, "Rank")
    assert ballot.ephemeral
    for place, label in enumerate(labels, start=1):
        menu = select(ballot)
        assert place == 1 or f"{place}" in menu["placeholder"]
        ballot = await double.select(
            server.guild, voter, ballot, menu["custom_id"], [option_value(menu, label)]
        )
    return ballot


async def test_next_reading_ranked_ballot_irv_rounds_and_one_click_assignment(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    poll = await posted(
        double, timed_bot, server, server.organiser, "poll next-reading", {"readings": CANDIDATES}
    )
    labels = [line.split(". ", 1)[1] for line in poll.embeds[0]["description"].splitlines()[2:]]
    serge, brinton, pirani, mckay = labels
    assert serge == "Kronstadt '21 — Victor Serge (1961)"
    assert brinton == "The Bolsheviks and Workers' Control, 1917–1921 — Maurice Brinton (1970)"

    ballot = await double.press(server.guild, server.member, poll, "Rank")
    assert ballot.ephemeral
    assert "Pick your 1st choice" in ballot.text
    menu = select(ballot)
    assert len(menu["options"]) == 4
    assert menu["placeholder"] == "Your 1st choice"
    ballot = await double.select(
        server.guild, server.member, ballot, menu["custom_id"], [option_value(menu, brinton)]
    )
    assert f"1. {brinton}" in ballot.text
    assert "saved" in ballot.text
    second = select(ballot)
    assert second["placeholder"] == "Your 2nd choice"
    assert brinton not in [o["label"] for o in second["options"]]
    ballot = await double.select(
        server.guild, server.member, ballot, second["custom_id"], [option_value(second, serge)]
    )
    assert f"1. {brinton}\n2. {serge}" in ballot.embeds[0]["description"]
    restarted = await double.press(server.guild, server.member, ballot, "Start over")
    assert "Pick your 1st choice" in restarted.text
    assert "already have a saved ranking" in restarted.text
    reopened = await double.press(server.guild, server.member, poll, "Rank")
    assert "already have a saved ranking" in reopened.text

    # 7 ballots: round 1 Brinton 3, Serge 2, Pirani 1, McKay 1 -> McKay out (tie with Pirani:
    # fewer first choices equal, listed lower) -> Pirani out -> Serge reaches 4 of 7.
    voters = members(double, server, 6)
    await rank(double, server, voters[0], poll, brinton)
    await rank(double, server, voters[1], poll, brinton, pirani)
    await rank(double, server, voters[2], poll, serge)
    await rank(double, server, voters[3], poll, pirani, serge)
    await rank(double, server, voters[4], poll, mckay, serge)
    await rank(double, server, voters[5], poll, mckay)
    # voters[5] changes their mind: a new 1st choice replaces their ballot.
    await rank(double, server, voters[5], poll, serge)

    refused = await double.slash(server.guild, voters[0], "poll close", id=poll_id(poll))
    assert "creator or an organiser" in refused.content
    await double.slash(server.guild, server.organiser, "poll close", id=poll_id(poll))
    [announcement] = announcements(double, server)
    text = announcement["content"] + json.dumps(announcement["embeds"])
    assert "wins after 3 rounds of instant runoff" in announcement["content"]
    rounds = next(
        f["value"]
        for f in announcement["embeds"][0]["fields"]
        if f["name"] == "Instant-runoff rounds"
    )
    lines = rounds.splitlines()
    assert lines[0].startswith("**Round 1:** The Bolsheviks")
    assert f"{shorten(serge)} 2" in lines[0]
    assert "eliminated (tie broken: listed lower on the ballot)" in lines[0]
    assert lines[-1].endswith(f"→ {shorten(serge)} wins")
    assert "How it was counted" in text

    assign = find_button(announcement, "Assign winner to week 2")
    member_click = await double.click(server.guild, voters[0], announcement, assign["custom_id"])
    assert member_click.ephemeral
    assert "Only organisers" in member_click.content
    done = await double.click(server.guild, server.organiser, announcement, assign["custom_id"])
    assert find_button(done.message, "Assigned to week 2")["disabled"]
    [confirmation] = await double.wait_for_followups(done, 1)
    assert "now the reading for week 2" in confirmation["content"]
    card = await timed_bot.services.library.reading(server.guild.id, "serge-kronstadt-21")
    assert card.week == 2


async def test_next_reading_defaults_and_bad_candidates(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    unknown = await double.slash(
        server.guild, server.member, "poll next-reading", readings="brinton-1970; no such book"
    )
    assert unknown.ephemeral
    assert "No reading matches" in unknown.content
    single = await double.slash(
        server.guild, server.member, "poll next-reading", readings="brinton-1970"
    )
    assert "at least 2 options" in single.content
    assert await timed_bot.services.polls.recent(server.guild.id) == []

    poll = await double.slash(server.guild, server.member, "poll next-reading")
    listed = poll.embeds[0]["description"]
    # Week 1 is current: the default candidates are the readings not reached yet.
    assert "The Soviet of Workers'" not in listed
    assert "Kronstadt '21" in listed
    assert "Bloodstained" in listed
    choices = await double.autocomplete(
        server.guild, server.member, "poll next-reading", "readings", "brinton-1970; kronst"
    )
    assert choices
    assert all(c["value"].startswith("brinton-1970; ") for c in choices)


async def test_ranked_vote_shows_exhausted_ballots_and_the_tie_rule(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    poll = await double.slash(
        server.guild,
        server.organiser,
        "poll next-reading",
        readings="brinton-1970; pirani-2008; mckay-2020",
    )
    first, second, third = (
        line.split(". ", 1)[1] for line in poll.embeds[0]["description"].splitlines()[2:]
    )
    voters = members(double, server, 5)
    for voter, choice in zip(voters, [first, first, second, second, third], strict=True):
        await rank(double, server, voter, poll, choice)
    results = await double.slash(server.guild, server.member, "poll results", id=poll_id(poll))
    rounds = next(
        f["value"].splitlines()
        for f in results.embeds[0]["fields"]
        if f["name"] == "Instant-runoff rounds"
    )
    short = [shorten(label) for label in (first, second, third)]
    assert rounds == [
        f"**Round 1:** {short[0]} 2 · {short[1]} 2 · {short[2]} 1 → {short[2]} eliminated",
        f"**Round 2:** {short[0]} 2 · {short[1]} 2 · exhausted 1 → {short[1]} eliminated "
        "(tie broken: listed lower on the ballot)",
        f"**Round 3:** {short[0]} 2 · exhausted 3 → {short[0]} wins",
    ]
    assert "wins after 3 rounds of instant runoff" in results.text


# ---- time polls ------------------------------------------------------------------------------


async def test_time_poll_slots_in_server_zone_and_one_click_weekly_session(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await double.slash(server.guild, server.organiser, "config timezone", zone="Europe/Berlin")
    for slots, expected in [
        ("thu 19:00", "Give 2 to 10 candidate times (you gave 1)"),
        ("; ".join(["mon 10:00"] * 11), "you gave 11"),
        ("thu 19:00; whenever", "Time 2:"),
        ("thu 19:00; thursday 7pm", "Times 1 and 2 are the same moment"),
    ]:
        reply = await double.slash(server.guild, server.member, "poll time", slots=slots)
        assert reply.ephemeral, slots
        assert expected in reply.content, (slots, reply.content)
    assert await timed_bot.services.polls.recent(server.guild.id) == []

    poll = await posted(
        double,
        timed_bot,
        server,
        server.member,
        "poll time",
        {"slots": "thu 19:00; fri 18:30; sat 11am"},
    )
    description = poll.embeds[0]["description"]
    # Monday 1 March 2027: Thursday 4 March 19:00 in Berlin is 18:00 UTC.
    thursday = int(datetime(2027, 3, 4, 18, 0, tzinfo=UTC).timestamp())
    assert f"1. Thu 04 Mar 19:00 CET — <t:{thursday}:f>" in description
    menu = select(poll)
    assert menu["max_values"] == 3
    thu, fri = (
        option_value(menu, "Thu 04 Mar 19:00 CET"),
        option_value(menu, "Fri 05 Mar 18:30 CET"),
    )
    voters = members(double, server, 3)
    await double.select(server.guild, voters[0], poll, menu["custom_id"], [thu, fri])
    await double.select(server.guild, voters[1], poll, menu["custom_id"], [fri])
    await double.select(server.guild, voters[2], poll, menu["custom_id"], [thu, fri])

    await double.slash(server.guild, server.member, "poll close", id=poll_id(poll))
    [announcement] = announcements(double, server)
    assert "Best time: **Fri 05 Mar 18:30 CET** (3 of 3 can make it)" in announcement["content"]
    make = find_button(announcement, "Make this the weekly session")
    refused = await double.click(server.guild, voters[0], announcement, make["custom_id"])
    assert "Only organisers" in refused.content
    assert await timed_bot.services.sessions.current(server.guild.id) is None
    done = await double.click(server.guild, server.organiser, announcement, make["custom_id"])
    [confirmation] = await double.wait_for_followups(done, 1)
    assert "Fridays at 18:30 (Europe/Berlin)" in confirmation["content"]
    schedule = await timed_bot.services.sessions.current(server.guild.id)
    assert schedule is not None
    assert (schedule.weekday, schedule.at.strftime("%H:%M"), schedule.zone) == (
        4,
        "18:30",
        "Europe/Berlin",
    )
    # The same path as /session schedule: Discord events exist for the coming sessions.
    assert double.scheduled_events(server.guild)


# ---- native polls ----------------------------------------------------------------------------


async def test_native_poll_payload(double: DiscordDouble, bot: StudyCircle, server: Server) -> None:
    reply = await create(double, bot, server, native=True, duration="2d", multiple=True)
    poll = reply.message["poll"]
    assert poll["question"]["text"] == "Next week?"
    assert [a["poll_media"]["text"] for a in poll["answers"]] == ["Serge", "Brinton", "Pirani"]
    assert poll["allow_multiselect"] is True
    sent = next(
        r.json["data"]["poll"]
        for r in reversed(double.requests)
        if r.path.endswith("/callback") and r.json and "poll" in r.json.get("data", {})
    )
    assert sent["duration"] == 48
    # Discord runs the poll; the bot only tracks it (for /poll results and /poll close), which
    # the private follow-up confirms.
    [followup] = await double.wait_for_followups(reply, 1)
    assert "poll #1" in followup["content"]
    [tracked] = await bot.services.polls.recent(server.guild.id)
    assert (tracked.native, tracked.question) == (True, "Next week?")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"options": "; ".join(f"o{n}" for n in range(11))}, "at most 10 answers"),
        ({"options": "short; " + "y" * 56}, "answer 2 is 56 characters"),
        ({"question": "q" * 301}, "question is 301 characters"),
        ({"duration": "30m"}, "1 hour"),
        ({"duration": "90m"}, "whole number of hours"),
        ({"duration": "33d"}, "32 days"),
        ({"anonymous": True}, "can't be anonymous"),
        ({"hide_results": True}, "hide results"),
    ],
)
async def test_native_poll_limits_are_named(
    double: DiscordDouble,
    bot: StudyCircle,
    server: Server,
    options: dict[str, Any],
    expected: str,
) -> None:
    values = {"question": "Next week?", "options": "Serge; Brinton", "native": True} | options
    reply = await double.slash(server.guild, server.member, "poll create", values)
    assert reply.ephemeral
    assert expected in reply.content, reply.content
    assert "poll" not in (reply.message or {})


# ---- mention abuse ---------------------------------------------------------------------------


async def test_mentions_in_questions_and_options_never_ping(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    start = len(double.requests)
    poll = await create(
        double, bot, server, question=f"Vote {ABUSE}", options="<@456>; @everyone; <@&123> fine"
    )
    await vote(double, server, server.member, poll, "<@456>")
    await double.slash(server.guild, server.member, "poll results", id=poll_id(poll))
    ranked = await posted(
        double,
        bot,
        server,
        server.member,
        "poll next-reading",
        {"question": f"Next? {ABUSE}", "readings": "brinton-1970; pirani-2008"},
    )
    first_label = ranked.embeds[0]["description"].splitlines()[2].split(". ", 1)[1]
    await rank(double, server, server.member, ranked, first_label)
    timed = await posted(
        double,
        bot,
        server,
        server.member,
        "poll time",
        {"slots": "thu 19:00; fri 18:30", "question": f"When? {ABUSE}"},
    )
    for reply in (poll, ranked, timed):
        await double.slash(server.guild, server.member, "poll close", id=poll_id(reply))
    native = await create(double, bot, server, question=f"Native {ABUSE}", native=True)
    assert native.message["poll"]
    assert len(announcements(double, server)) == 3
    # Announcements put member text in plain content too: it is defused there as well.
    for announcement in announcements(double, server):
        assert "<@456>" not in announcement["content"]
        assert "@everyone" not in announcement["content"]
    assert assert_mentions_inert(double, start) >= 12
