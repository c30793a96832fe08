"""The App Home: what a member sees (reviews waiting, their mock, their channels), read once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content import Library
from bot.db import SessionFactory, read_only
from bot.practice.home import Home, home_for
from bot.practice.weekly_post import criterion_names


@dataclass(frozen=True)
class HomePage:
    home: Home
    names: dict[str, dict[str, str]]  # channel id -> its pack's criterion id -> name


def home_page(
    sessions: SessionFactory, team_id: str, user_id: str, now: datetime, *, library: Library
) -> HomePage:
    """A member's App Home, read only."""
    with read_only(sessions) as session:
        home = home_for(session, team_id, user_id, now)
        names = {
            item.channel.channel_id: criterion_names(library, item.channel)
            for item in home.channels
        }
    return HomePage(home, names)
