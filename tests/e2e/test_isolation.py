"""Two servers: everything one writes stays invisible to, and unchangeable from, the other."""

from __future__ import annotations

from bot.client import StudyCircle
from discord_double import DiscordDouble
from discord_double.interactions import InteractionReply
from tests.e2e.fixtures import Server

SECRET = "zanzibar"  # appears nowhere in the content pack; server B searches for it
HIDDEN = "quixotic"  # also in all of A's data, but never typed in B: it can only leak


def seen(reply: InteractionReply) -> str:
    parts = [reply.text, *(m.get("content") or "" for m in reply.followups)]
    parts += [f.data.decode("utf-8", "replace") for f in reply.files]
    return "\n".join(parts).casefold()


async def test_nothing_crosses_between_servers(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    a, b = server, other_server
    # --- server A writes a little of everything ---------------------------------------------
    await double.slash(a.guild, a.organiser, "config timezone", zone="Asia/Kathmandu")
    await double.slash(
        a.guild, a.organiser, "config channel", purpose="sessions", channel=a.guild.general
    )
    form = await double.slash(a.guild, a.organiser, "reading add")
    await double.submit_modal(
        a.guild, a.organiser, form, {"title": f"{SECRET} {HIDDEN} papers", "authors": "Ann Writer"}
    )
    form = await double.slash(a.guild, a.organiser, "source add")
    await double.submit_modal(
        a.guild,
        a.organiser,
        form,
        {
            "author": "Ann Writer",
            "work": f"{SECRET} {HIDDEN} notes",
            "date": "1920",
            "text": f"The {SECRET} committee met at dawn and voted, {HIDDEN} as ever.",
        },
    )
    await double.slash(a.guild, a.organiser, "reading assign", reading="Brinton", week=9)
    await double.slash(a.guild, a.member, "reading done", reading="Brinton")
    prompt = await double.slash(a.guild, a.member, "prompt add", text=f"Why {SECRET}, {HIDDEN}?")
    poll = await double.slash(
        a.guild, a.member, "poll create", question=f"{SECRET} {HIDDEN}?", options="yes; no"
    )
    await double.slash(a.guild, a.organiser, "session schedule", weekday="monday", time="18:00")
    reminder = await double.slash(
        a.guild, a.member, "remind me", when="in 3 days", what=f"{SECRET} {HIDDEN} prep"
    )
    prompt_id = prompt.text.split("Prompt #")[1].split()[0].strip("*`:")
    poll_id = poll.embeds[0]["footer"]["text"].split("Poll #")[1].split()[0]
    reminder_id = reminder.content.split("`#")[1].split("`")[0]

    # --- server B reads everything it can ----------------------------------------------------
    reads = [
        (b.organiser, "config show", {}),
        (b.member, "reading list", {}),
        (b.member, "reading current", {}),
        (b.member, "reading info", {"reading": f"{SECRET} papers"}),
        (b.member, "source search", {"query": SECRET}),
        (b.member, "source quote", {"author": "Ann Writer"}),
        (b.member, "prompt list", {}),
        (b.member, "prompt random", {}),
        (b.member, "prompt export", {}),
        (b.member, "poll results", {"id": int(poll_id)}),
        (b.member, "remind list", {}),
        (b.member, "session next", {}),
        (b.member, "session list", {}),
        (b.member, "session calendar", {}),
    ]
    for who, path, options in reads:
        reply = await double.slash(b.guild, who, path, **options)
        text = seen(reply)
        assert HIDDEN not in text, path
        assert "kathmandu" not in text, path

    # --- server B tries to change A's things by id ------------------------------------------
    writes = [
        (b.member, "prompt delete", {"id": int(prompt_id)}),
        (b.member, "prompt used", {"id": int(prompt_id)}),
        (b.organiser, "poll close", {"id": int(poll_id)}),
        (b.member, "remind delete", {"id": int(reminder_id)}),
    ]
    for who, path, options in writes:
        reply = await double.slash(b.guild, who, path, **options)
        assert reply.ephemeral, path
        assert HIDDEN not in seen(reply), path

    # --- and A still has all of it -----------------------------------------------------------
    assert (await bot.guild_config.get(a.guild.id)).timezone == "Asia/Kathmandu"
    assert (await bot.guild_config.get(b.guild.id)).timezone == "UTC"
    assert HIDDEN in seen(await double.slash(a.guild, a.member, "prompt list"))
    assert HIDDEN in seen(await double.slash(a.guild, a.member, "remind list"))
    assert HIDDEN in seen(await double.slash(a.guild, a.member, "source search", query=SECRET))
    assert HIDDEN in seen(await double.slash(a.guild, a.member, "reading info", reading=SECRET))
    results = await double.slash(a.guild, a.member, "poll results", id=int(poll_id))
    assert "closed" not in results.text.casefold()
    assert await bot.services.sessions.current(a.guild.id) is not None
    assert await bot.services.sessions.current(b.guild.id) is None
