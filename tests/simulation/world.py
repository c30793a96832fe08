"""A simulated community, drawn from a seed: channels in four time zones spread over several
workspaces (each installed through OAuth, as a multi-workspace bot is), members with habits.

Everything here is plain data made by `random.Random(seed)`: the same seed gives the same
community, and `plan.py` turns it into the same steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from bot.emulator.state import DEFAULT_TEAM_ID

# Four zones, so that daylight saving starts and ends in both hemispheres within the windows below.
TIMEZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney")
# Mondays whose next two weeks cross a change: US starts (8 Mar), EU starts (29 Mar) and Sydney
# ends (5 Apr), Sydney starts (4 Oct), EU ends (25 Oct) and US ends (1 Nov).
STARTS = (date(2026, 3, 2), date(2026, 3, 23), date(2026, 9, 28), date(2026, 10, 19))
# The workspaces, in order: the emulator's default one first. One workspace runs the bot with a
# single bot token (`community(seed, workspaces=1)`); more run it in OAuth mode.
TEAMS = (DEFAULT_TEAM_ID, "T0SIM2", "T0SIM3")


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    tz: str
    answers: float  # chance of answering a day's prompt
    answer_after: float  # hours after the post, on average
    reviews: float  # chance of doing the day's assigned reviews
    edits: float  # chance of editing an answer
    deletes: float  # chance of deleting an answer
    late: float  # chance of answering after the window closed
    volunteers: bool  # `/practice review on`: offered stand-in reviews
    stands_in: float  # chance of taking a stand-in review offered that day
    rates: float  # chance of rating the reviews in their summary
    mocks: float  # chance of asking for a mock on a given week
    shows_up: float  # chance of turning up to a mock
    quiet: tuple[int, int] | None  # quiet hours, local (start, end), set on the first day
    away: bool  # goes away for a few days once


@dataclass(frozen=True)
class SimChannel:
    id: str
    name: str
    tz: str
    creator: str
    members: tuple[Member, ...]
    team: str = DEFAULT_TEAM_ID  # the workspace the channel (and its members) belong to


@dataclass(frozen=True)
class Community:
    seed: int
    start: date
    channels: tuple[SimChannel, ...]
    teams: tuple[str, ...] = (DEFAULT_TEAM_ID,)

    @property
    def members(self) -> tuple[Member, ...]:
        return tuple(m for c in self.channels for m in c.members)

    @property
    def oauth(self) -> bool:
        """Several workspaces: the bot runs in OAuth mode, one install per workspace."""
        return len(self.teams) > 1

    def team_of(self, member_or_channel: str) -> str:
        for channel in self.channels:
            if member_or_channel == channel.id or any(
                m.id == member_or_channel for m in channel.members
            ):
                return channel.team
        raise LookupError(member_or_channel)


def community(seed: int, workspaces: int = 2) -> Community:
    """The seed's community; channel i belongs to workspace i mod `workspaces`, so each
    workspace has channels in zones where daylight saving moves in different directions."""
    if not 1 <= workspaces <= len(TEAMS):
        raise ValueError(f"1 to {len(TEAMS)} workspaces, not {workspaces}")
    teams = TEAMS[:workspaces]
    rng = random.Random(f"community:{seed}")
    channels = []
    for number, tz in enumerate(TIMEZONES):
        people = []
        for i in range(rng.randint(3, 5)):
            member_id = f"U{number}{i}{rng.randrange(16**4):04X}"
            people.append(
                Member(
                    id=member_id,
                    name=f"m{number}{i}",
                    # the creator (first) and most others live where the channel does
                    tz=tz if i == 0 or rng.random() < 0.75 else rng.choice(TIMEZONES),
                    answers=rng.choice((0.3, 0.6, 0.8, 0.95)),
                    answer_after=rng.uniform(0.2, 4.5),
                    reviews=rng.choice((0.2, 0.5, 0.8, 1.0)),
                    edits=rng.choice((0.0, 0.1, 0.3)),
                    deletes=rng.choice((0.0, 0.0, 0.05, 0.1)),
                    late=rng.choice((0.0, 0.05, 0.1)),
                    volunteers=rng.random() < 0.3,
                    stands_in=rng.choice((0.0, 0.3, 0.7)),
                    rates=rng.choice((0.0, 0.5, 0.9)),
                    mocks=rng.choice((0.0, 0.0, 0.3, 0.6)),
                    shows_up=rng.choice((0.6, 0.9, 1.0)),
                    quiet=rng.choice(((22, 7), (20, 9), (23, 6))) if rng.random() < 0.3 else None,
                    away=rng.random() < 0.2,
                )
            )
        creator = people[0]
        channels.append(
            SimChannel(
                id=f"C{number}SIM{seed % 1000:03d}",
                name=f"practice-{tz.split('/')[-1].lower()}",
                tz=tz,
                creator=creator.id,
                members=tuple(people),
                team=teams[number % workspaces],
            )
        )
    return Community(seed, rng.choice(STARTS), tuple(channels), teams)
