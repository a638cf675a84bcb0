"""Discord's markup as a reader sees it: timestamps in their zone, names for mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from discord_double.render import Markup, relative_time, render_markup, render_message

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SESSION = int(datetime(2026, 6, 4, 18, 0, tzinfo=UTC).timestamp())  # 19:00 in London (BST)
MARKUP = Markup(
    zone=ZoneInfo("Europe/London"),
    now=lambda: NOW,
    channel_name={10: "sessions"}.get,
    user_name={20: "carol"}.get,
    role_name={30: "Readers"}.get,
)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("t", "19:00"),
        ("T", "19:00:00"),
        ("d", "04/06/2026"),
        ("D", "4 June 2026"),
        ("f", "4 June 2026 19:00"),
        ("F", "Thursday, 4 June 2026 19:00"),
        ("R", "in 3 months"),
    ],
)
def test_every_timestamp_style(style: str, expected: str) -> None:
    assert render_markup(f"<t:{SESSION}:{style}>", MARKUP) == expected


def test_a_timestamp_without_style_is_the_default_short_date_time() -> None:
    assert render_markup(f"at <t:{SESSION}>.", MARKUP) == "at 4 June 2026 19:00."


def test_mentions_channels_roles_emoji_and_links() -> None:
    text = "<#10> <@20> <@!20> <@&30> <:kronstadt:123> <a:wave:456> <https://example.org/x>"
    assert render_markup(text, MARKUP) == (
        "#sessions @carol @carol @Readers :kronstadt: :wave: https://example.org/x"
    )
    assert render_markup("<#99> <@98> <@&97>", MARKUP) == (
        "#unknown-channel @unknown-user @unknown-role"
    )


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=10), "in a few seconds"),
        (timedelta(seconds=-10), "a few seconds ago"),
        (timedelta(minutes=1), "in a minute"),
        (timedelta(minutes=30), "in 30 minutes"),
        (timedelta(minutes=50), "in an hour"),
        (timedelta(hours=-5), "5 hours ago"),
        (timedelta(hours=23), "in a day"),
        (timedelta(days=3), "in 3 days"),
        (timedelta(days=40), "in a month"),
        (timedelta(days=100), "in 3 months"),
        (timedelta(days=400), "in a year"),
        (timedelta(days=-1000), "3 years ago"),
    ],
)
def test_relative_times_round_like_discord(delta: timedelta, expected: str) -> None:
    assert relative_time(NOW + delta, NOW) == expected


def test_messages_render_raw_without_markup_and_readable_with_it() -> None:
    message = {
        "content": f"Next: <t:{SESSION}:F> in <#10>",
        "embeds": [{"title": "Ping <@&30>", "fields": [{"name": "Who", "value": "<@20>"}]}],
        "components": [],
    }
    raw = render_message(message)
    assert f"<t:{SESSION}:F>" in raw  # what tests assert on stays as sent
    readable = render_message(message, MARKUP)
    assert "Next: Thursday, 4 June 2026 19:00 in #sessions" in readable
    assert "Ping @Readers" in readable
    assert "@carol" in readable
    assert "<" not in readable.replace("<select", "")
