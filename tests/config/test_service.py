import pytest

from bot.config import GuildConfigService
from bot.errors import UserError


@pytest.fixture
def service(session_factory) -> GuildConfigService:
    return GuildConfigService(session_factory)


async def test_defaults_for_an_unknown_server(service: GuildConfigService) -> None:
    config = await service.get(1)
    assert config.timezone == "UTC"
    assert config.organiser_role_id is None
    assert dict(config.channels) == {}


async def test_timezone_is_normalised_and_stored(service: GuildConfigService) -> None:
    await service.set_timezone(1, "europe/london")
    assert (await service.get(1)).timezone == "Europe/London"


async def test_unknown_timezone_is_refused_with_a_suggestion_and_changes_nothing(
    service: GuildConfigService,
) -> None:
    await service.set_timezone(1, "Asia/Tokyo")
    with pytest.raises(UserError, match="Europe/London"):
        await service.set_timezone(1, "Europe/Londn")
    assert (await service.get(1)).timezone == "Asia/Tokyo"


async def test_channels_and_role_are_per_server(service: GuildConfigService) -> None:
    await service.set_channel(1, "sessions", 111)
    await service.set_channel(1, "sessions", 112)
    await service.set_channel(1, "polls", 113)
    await service.set_organiser_role(1, 900)
    await service.set_channel(2, "sessions", 222)
    first, second = await service.get(1), await service.get(2)
    assert dict(first.channels) == {"sessions": 112, "polls": 113}
    assert first.organiser_role_id == 900
    assert dict(second.channels) == {"sessions": 222}
    assert second.organiser_role_id is None


async def test_unknown_purpose_is_refused(service: GuildConfigService) -> None:
    with pytest.raises(UserError, match="sessions"):
        await service.set_channel(1, "memes", 5)
