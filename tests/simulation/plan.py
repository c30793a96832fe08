"""The steps of a simulation, all drawn from the seed before anything runs.

A step is what one actor does at one instant: the scheduler's tick (every job's due work), a
member answering, editing, deleting, reviewing or asking to be forgotten, a fault queued in
Slack, the process killed and restarted, the database connections dropped. Steps refer to each
other only by name (an answer by member and local date), so any subset of a plan is a plan:
that is what lets `shrink.py` remove steps and run again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.simulation.world import Community, Member, SimChannel

POST_AT = time(9, 0)  # the channel default: weekdays at 09:00
ANSWER_HOURS = 6  # the default answer window
REVIEW_HOURS = 24  # reviews close a day after the post


@dataclass(frozen=True, order=True)
class Step:
    at: datetime
    order: int  # ties at one instant run in plan order
    kind: str = field(compare=False)
    member: str = field(default="", compare=False)
    channel: str = field(default="", compare=False)
    day: date | None = field(default=None, compare=False)
    detail: str = field(default="", compare=False)

    def describe(self) -> str:
        parts = [self.at.strftime("%Y-%m-%dT%H:%M:%SZ"), self.kind]
        parts += [p for p in (self.member, self.channel) if p]
        if self.day is not None:
            parts.append(self.day.isoformat())
        if self.detail:
            parts.append(self.detail)
        return " ".join(parts)


# Faults queued just before a tick or an action: (Web API method, how it fails). "drop-…":
# the connection closes with no answer; "timeout-…": Slack answers after the client's timeout
# (`run.SLACK_TIMEOUT`); "…-before" Slack never did the call, "…-after" it did.
FAULTS = (
    ("chat.postMessage", "429"),
    ("chat.postMessage", "500"),
    ("chat.postMessage", "503"),
    ("conversations.replies", "500"),
    ("conversations.replies", "429"),
    ("users.info", "500"),
    ("reactions.add", "503"),
    ("views.open", "500"),
    ("chat.postEphemeral", "500"),
    ("conversations.open", "500"),
    ("chat.postMessage", "slow"),
    ("chat.postMessage", "drop-before"),
    ("chat.postMessage", "drop-after"),
    ("chat.postMessage", "timeout-before"),
    ("chat.postMessage", "timeout-after"),
    ("conversations.replies", "drop-after"),
    ("users.info", "timeout-before"),
)
# Everything the plan can do to the process and the database besides Slack's faults.
PROCESS_FAULTS = ("restart", "drop-connections", "pg-restart")
DELIVERIES = ("ok", "ok", "ok", "ok", "ok", "twice", "late", "never", "reordered")


def local(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, ZoneInfo(tz)).astimezone(UTC)


class _Planner:
    def __init__(self, world: Community, weeks: int, faults: bool, postgres: bool) -> None:
        self.world = world
        self.weeks = weeks
        self.faults = faults
        self.postgres = postgres
        self.rng = random.Random(f"plan:{world.seed}:{weeks}:{faults}")
        self.steps: list[Step] = []
        self.ticks: set[datetime] = set()

    def add(self, at: datetime, kind: str, **fields: object) -> None:
        self.steps.append(Step(at, len(self.steps), kind, **fields))  # type: ignore[arg-type]

    def plan(self) -> list[Step]:
        for offset in range(7 * self.weeks + 1):  # the last Monday posts the last leaderboard
            day = self.world.start + timedelta(days=offset)
            for channel in self.world.channels:
                self.channel_day(channel, day, last=offset == 7 * self.weeks)
            if self.faults and offset < 7 * self.weeks:
                self.process_faults(day)
        self.forget()
        if self.faults:
            self.revoke()
            self.remove_bot()
        return sorted(self.steps)

    def remove_bot(self) -> None:
        """Once a run, someone removes the bot from a channel before its post time and the
        channel's creator invites it back 4 to 20 hours later. Slack's events about the removal
        arrive, or are lost: then the bot learns of it from the post Slack refuses
        (`not_in_channel`). Its own random stream, so the rest of the plan is as before."""
        rng = random.Random(f"removal:{self.world.seed}:{self.weeks}")
        revoked = {s.detail for s in self.steps if s.kind == "revoke"}  # down anyway
        channel = rng.choice([c for c in self.world.channels if c.team not in revoked])
        day = self.world.start + timedelta(days=rng.randrange(7 * self.weeks - 1))
        while day.weekday() >= 5:  # a practice day, so that a post is due while it is out
            day += timedelta(days=1)
        at = local(day, POST_AT, channel.tz) - timedelta(hours=rng.uniform(0.5, 3))
        events = rng.choice(("delivered", "lost"))
        self.add(at, "remove-bot", channel=channel.id, detail=events)
        self.add(at + timedelta(hours=rng.uniform(4, 20)), "invite-bot", channel=channel.id)

    def revoke(self) -> None:
        """Now and then one workspace's token is revoked in the last week: the app must stop
        calling Slack for it, break nothing it already holds, and serve the others as before."""
        if self.rng.random() < 0.25:
            last_week = self.world.start + timedelta(days=7 * (self.weeks - 1))
            day = last_week + timedelta(days=self.rng.randrange(7))
            at = datetime.combine(day, time(self.rng.randrange(24)), UTC)
            self.add(at, "revoke", detail=self.rng.choice(self.world.teams))

    def channel_day(self, channel: SimChannel, day: date, *, last: bool) -> None:
        post = local(day, POST_AT, channel.tz)
        if day == self.world.start:
            for member in channel.members:
                if member.volunteers:
                    self.add(post - timedelta(hours=1), "volunteer", member=member.id,
                             channel=channel.id)  # fmt: skip
                if member.quiet is not None:
                    start, end = member.quiet
                    self.add(post - timedelta(hours=2), "quiet", member=member.id,
                             channel=channel.id, detail=f"{start:02d}:00-{end:02d}:00")  # fmt: skip
                if member.away:
                    leave = day + timedelta(days=self.rng.randrange(1, 7 * self.weeks - 4))
                    back = leave + timedelta(days=self.rng.randrange(2, 5))
                    at = local(leave, POST_AT, channel.tz) - timedelta(hours=3)
                    self.add(at, "away", member=member.id, channel=channel.id, day=leave,
                             detail=back.isoformat())  # fmt: skip
        # The scheduler ticks every minute; the simulation ticks at the due times (the post and
        # Monday's leaderboard, answers closing; reviews close at the next day's post time) and
        # once more later, where anything that failed is retried.
        weekend = last or day.weekday() >= 5
        for hours in (0,) if weekend else (0, ANSWER_HOURS, 10):
            self.tick(post + timedelta(hours=hours))
        if weekend:
            return
        for member in channel.members:
            self.member_day(channel, member, day, post)

    def tick(self, at: datetime) -> None:
        if at in self.ticks:
            return
        self.ticks.add(at)
        if self.faults and self.rng.random() < 0.25:
            method, how = self.rng.choice(FAULTS)
            self.add(at - timedelta(seconds=1), "fault", detail=f"{method}:{how}")
        self.add(at, "tick")

    def member_day(self, channel: SimChannel, member: Member, day: date, post: datetime) -> None:
        rng = self.rng
        if rng.random() < member.answers:
            late = rng.random() < member.late
            after = (
                ANSWER_HOURS + rng.uniform(0.1, 2)
                if late
                else min(rng.expovariate(1 / member.answer_after), ANSWER_HOURS - 0.05)
            )
            answered = post + timedelta(hours=max(after, 0.02))
            delivery = rng.choice(DELIVERIES) if self.faults else "ok"
            self.add(answered, "answer", member=member.id, channel=channel.id, day=day,
                     detail=delivery)  # fmt: skip
            if delivery == "late":
                self.add(answered + timedelta(minutes=rng.uniform(1, 90)), "deliver",
                         member=member.id, channel=channel.id, day=day)  # fmt: skip
            if rng.random() < member.edits:
                edited = answered + timedelta(minutes=rng.uniform(2, 120))
                self.add(edited, "edit", member=member.id, channel=channel.id, day=day,
                         detail=rng.choice(DELIVERIES) if self.faults else "ok")  # fmt: skip
            if rng.random() < member.deletes:
                gone = answered + timedelta(minutes=rng.uniform(5, 300))
                self.add(gone, "delete", member=member.id, channel=channel.id, day=day)
        if rng.random() < member.reviews:
            done = post + timedelta(hours=ANSWER_HOURS + rng.uniform(0.3, REVIEW_HOURS - 6.5))
            self.add(done, "review", member=member.id, channel=channel.id, day=day)
        if rng.random() < member.stands_in:  # after half-time, before the reviews close
            later = post + timedelta(hours=rng.uniform(16, REVIEW_HOURS - 1))
            self.add(later, "stand-in", member=member.id, channel=channel.id, day=day)
        if rng.random() < member.rates:  # the summary comes when the reviews close
            rated = post + timedelta(hours=REVIEW_HOURS + rng.uniform(0.5, 8))
            self.add(rated, "rate", member=member.id, channel=channel.id, day=day)
        if day.weekday() == 0 and rng.random() < member.mocks:
            asked = post + timedelta(hours=rng.uniform(0, 8))
            self.add(asked, "mock", member=member.id, channel=channel.id, day=day)
        if rng.random() < 0.5:  # looks at their DMs: a mock's check-in, if one is waiting
            looked = post + timedelta(hours=rng.uniform(0, 12))
            happened = "happened" if rng.random() < member.shows_up else "could-not-make-it"
            self.add(looked, "check-in", member=member.id, channel=channel.id, day=day,
                     detail=happened)  # fmt: skip

    def process_faults(self, day: date) -> None:
        """The process killed and, on PostgreSQL, the connections dropped or the server
        restarted (`pgproxy.py`), at random moments."""
        start = datetime.combine(day, time(0), UTC)
        for _ in range(self.rng.choice((0, 0, 1))):
            self.add(start + timedelta(seconds=self.rng.randrange(86_400)), "restart")
        if self.postgres and self.rng.random() < 0.5:
            at = start + timedelta(seconds=self.rng.randrange(86_400))
            self.add(at, self.rng.choice(("drop-connections", "pg-restart")))

    def forget(self) -> None:
        if self.rng.random() < 0.4:
            member = self.rng.choice(self.world.members)
            day = self.world.start + timedelta(days=self.rng.randrange(2, 7 * self.weeks - 2))
            at = datetime.combine(day, time(self.rng.randrange(24)), UTC)
            self.add(at, "forget", member=member.id)


def make_plan(world: Community, weeks: int, *, faults: bool, postgres: bool) -> list[Step]:
    """The steps for `weeks` weeks of `world`, in time order (ties in plan order)."""
    return _Planner(world, weeks, faults, postgres).plan()


def enrolment_time(world: Community) -> datetime:
    """The Sunday before the first Monday, noon UTC: every channel is enrolled then."""
    return datetime.combine(world.start - timedelta(days=1), time(12), UTC)
