"""End-to-end fixtures: the real app over loopback HTTP against the Slack emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.emulator.stage import Stage

CHANNEL = "C0PRACTICE"
ADMIN = "U0ADMIN"
CREATOR = "U0CREATOR"
MEMBERS = ("U01ANA", "U02BEN", "U03CHI", "U04DEV")


@pytest.fixture
def stage(database_url: str) -> Iterator[Stage]:
    """A workspace with an admin, the channel's creator and four members; bot not yet invited."""
    with Stage(database_url, migrate=False) as stage:
        stage.add_member(ADMIN, "ada", tz="Europe/London", admin=True)
        stage.add_member(CREATOR, "cleo", tz="America/New_York")
        for user, tz in zip(
            MEMBERS, ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"), strict=True
        ):
            stage.add_member(user, user[3:].lower(), tz=tz)
        stage.add_channel(
            CHANNEL, "pmm-practice", creator=CREATOR, members=[ADMIN, CREATOR, *MEMBERS]
        )
        yield stage


@pytest.fixture
def enrolled(stage: Stage) -> Stage:
    """The bot invited by the channel's creator (New York time)."""
    stage.enrol(CHANNEL, inviter=CREATOR)
    return stage
