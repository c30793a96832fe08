"""Posting the weekly leaderboard: due-work, once per channel and week, whatever happens.

At the channel's leaderboard day and time (default Monday 09:00 local) the Monday-Sunday week
before is due. Like the daily prompt (bot/practice/posting.py) the (channel, week) row is
claimed first through a unique key, then Slack is called, then the ts is stored; a failed call
releases the claim so the week stays retryable and is never posted twice. Only the latest due
week is considered: after downtime it is caught up once and older weeks are not. A week with no
activity gets no post.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.content import Library
from bot.models import DEFAULT_PACK, Channel, LeaderboardPost
from bot.practice.agreement import Alpha
from bot.practice.channels import ChannelView, pause_channel
from bot.practice.claims import claim, mark_quiet, not_held
from bot.practice.leaderboard.history import Mover, criterion_trend
from bot.practice.leaderboard.recognition import (
    HelpfulReviewer,
    mocks_held,
    most_helpful,
    most_improved,
)
from bot.practice.leaderboard.streaks import weekly_streaks
from bot.practice.leaderboard.tally import tally_week
from bot.practice.leaderboard.week import Week
from bot.practice.members.settings import unlisted_members
from bot.practice.mocks.stats import WeekOfMocks, week_of_mocks
from bot.practice.ports import PublishError
from bot.practice.reviewer_agreement import channel_agreement, shown_agreement
from bot.practice.schedule import (
    ChannelClock,
    due_by_clock,
    local_date,
    local_instant,
    parse_hhmm,
    week_bounds_utc,
    week_start,
)
from bot.practice.workspaces import active_clocks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WeeklyReport:
    """Everything the weekly post shows."""

    channel_id: str
    week: Week
    movers: list[Mover]
    streaks: dict[str, int]  # user -> practice weeks in a row at the week's end (> 0 only)
    trend: list[tuple[date, dict[str, float]]]
    criterion_names: dict[str, str] = field(default_factory=dict)
    agreement: dict[str, Alpha] = field(default_factory=dict)  # shown criteria only
    mocks_held: list[tuple[str, int]] = field(default_factory=list)  # (user, rounds)
    # Authors' helpfulness ratings of the week's reviews (never points).
    helpful: list[HelpfulReviewer] = field(default_factory=list)
    mocks: WeekOfMocks | None = None  # mocks held that week, and how many wait now

    @property
    def week_end(self) -> date:
        return self.week.week_start + timedelta(days=6)


@dataclass(frozen=True)
class LeaderboardOutcome:
    channel_id: str
    week_start: date
    status: str  # "posted", "quiet", "skipped", "failed", "paused"
    detail: str = ""


def criterion_names(library: Library, channel: Channel | ChannelView) -> dict[str, str]:
    pack = library.pack(channel.content_pack) or library.pack(DEFAULT_PACK)
    # Retired criteria too: leaderboards and charts of earlier weeks still name them.
    return {c.id: c.name for c in pack.all_criteria()} if pack else {}


def leaderboard_due(clock: ChannelClock, now: datetime) -> date | None:
    """The Monday of the week whose leaderboard is due at `now`, or None before this week's
    leaderboard time."""
    today = local_date(now, clock.timezone)
    monday = week_start(today)
    day = monday + timedelta(days=max(1, min(7, clock.leaderboard_weekday)) - 1)
    if now < local_instant(day, parse_hhmm(clock.leaderboard_time), clock.timezone):
        return None
    return monday - timedelta(days=7)


def build_report(
    session: Session,
    channel: Channel,
    monday: date,
    *,
    library: Library | None = None,
    week: Week | None = None,
    now: datetime | None = None,
) -> WeeklyReport:
    week = week or tally_week(session, channel, monday)
    week.unlisted = frozenset(unlisted_members(session, channel.team_id))
    named = [r.user_id for r in week.rows if week.named(r.user_id)]
    streaks = {
        u: s.weeks
        for u, s in weekly_streaks(session, channel, named, monday + timedelta(days=6)).items()
    }
    start, end = week_bounds_utc(monday, channel.timezone)
    return WeeklyReport(
        channel_id=channel.channel_id,
        week=week,
        movers=most_improved(session, channel, week),
        mocks_held=mocks_held(week),
        helpful=most_helpful(session, channel, week),
        streaks={u: n for u, n in streaks.items() if n > 0},
        trend=criterion_trend(session, channel, monday),
        criterion_names=criterion_names(library, channel) if library else {},
        agreement=shown_agreement(channel_agreement(session, channel, monday)),
        mocks=week_of_mocks(session, channel.team_id, start, end, now or end),
    )


def due_leaderboards(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[int, date]]:
    """(channel pk, Monday) of every weekly leaderboard due at `now` and not posted."""
    candidates = due_by_clock(
        active_clocks(session, channel_id), lambda clock: leaderboard_due(clock, now)
    )
    return not_held(session, LeaderboardPost, LeaderboardPost.week_start, candidates, now)


@dataclass(frozen=True)
class ClaimedWeek:
    channel: ChannelView
    report: WeeklyReport


def claim_week(
    session: Session, channel_pk: int, monday: date, now: datetime, library: Library
) -> ClaimedWeek | LeaderboardOutcome:
    """Claim (channel, week) and build its report; an outcome instead when the week was
    quiet or another process holds it."""
    channel = session.get(Channel, channel_pk)
    assert channel is not None
    week = tally_week(session, channel, monday)
    if not week.active:
        return LeaderboardOutcome(channel.channel_id, monday, "quiet")
    key = {"channel_pk": channel.id, "week_start": monday}
    if claim(session, LeaderboardPost, key, {"claimed_at": now}, now) is None:
        return LeaderboardOutcome(channel.channel_id, monday, "skipped", "claimed elsewhere")
    report = build_report(session, channel, monday, library=library, week=week, now=now)
    return ClaimedWeek(ChannelView.of(channel), report)


def mark_quiet_week(session: Session, channel_pk: int, monday: date, now: datetime) -> None:
    mark_quiet(session, LeaderboardPost, {"channel_pk": channel_pk, "week_start": monday}, now)


def store_week(session: Session, claimed: ClaimedWeek, ts: str, now: datetime) -> None:
    monday = claimed.report.week.week_start
    session.execute(
        update(LeaderboardPost)
        .where(
            LeaderboardPost.channel_pk == claimed.channel.id, LeaderboardPost.week_start == monday
        )
        .values(message_ts=ts, posted_at=now)
    )
    log.info("posted the leaderboard in %s for the week of %s", claimed.channel.channel_id, monday)


def release_week(
    session: Session, channel_pk: int, monday: date, now: datetime, exc: PublishError
) -> None:
    """The post failed: the week stays retryable; a permanent refusal pauses the channel."""
    channel = session.get(Channel, channel_pk)
    assert channel is not None
    session.execute(
        delete(LeaderboardPost).where(
            LeaderboardPost.channel_pk == channel.id,
            LeaderboardPost.week_start == monday,
            LeaderboardPost.message_ts.is_(None),
        )
    )
    if exc.permanent:
        pause_channel(session, channel, now, f"Slack error: {exc.reason}")
        log.error("channel %s paused: Slack answered %s", channel.channel_id, exc.reason)
    else:
        log.warning("leaderboard in %s failed (%s); will retry", channel.channel_id, exc.reason)
