import pytest

from bot.errors import UserError
from bot.timezones import MAX_CHOICES, resolve_zone, zone_choices


def test_resolves_case_insensitively() -> None:
    assert resolve_zone(" america/new_york ").key == "America/New_York"


@pytest.mark.parametrize("text", ["", "Mars/Olympus", "Europe/London; DROP TABLE", "x" * 500])
def test_unknown_zone_is_a_user_error(text: str) -> None:
    with pytest.raises(UserError, match="IANA"):
        resolve_zone(text)


@pytest.mark.parametrize("query", ["", "lon", "new york", "europe", "zzzz", "a" * 200])
def test_choices_are_bounded_and_real(query: str) -> None:
    choices = zone_choices(query)
    assert len(choices) <= MAX_CHOICES
    assert all(len(c) <= 100 for c in choices)
    for choice in choices:
        resolve_zone(choice)


def test_prefix_of_city_ranks_first() -> None:
    assert zone_choices("lond")[0] == "Europe/London"
