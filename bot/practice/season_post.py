"""The monthly season post (issue 25): on the first Monday of a month, at the channel's
leaderboard time, the month before: its totals and everyone who practised at least
`MIN_WEEKS` weeks of it. Once per channel and month, like the weekly post (claimed in
`season_posts` first, released when Slack refuses); a month without answers gets no post.

A month's weeks are those whose Monday falls in it (the channel's time zone); a practice week
is one as streaks count it (`bot/practice/leaderboard/streaks.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    Channel,
    MockMatch,
    MockScore,
    PromptPost,
    ReviewAssignment,
    SeasonPost,
)
from bot.practice.channels import ChannelView, pause_channel
from bot.practice.claims import claim, mark_quiet, not_held
from bot.practice.leaderboard.streaks import practice_weeks
from bot.practice.members.settings import unlisted_members
from bot.practice.ports import PublishError
from bot.practice.schedule import ChannelClock, due_by_clock, local_date, local_instant, parse_hhmm
from bot.practice.workspaces import active_clocks

log = logging.getLogger(__name__)

MIN_WEEKS = 3  # practice weeks in the month to be named in its season post


@dataclass(frozen=True)
class SeasonReport:
    channel_id: str
    month: date  # its first day
    weeks: int  # weeks whose Monday is in the month
    answers: int
    reviews: int  # completed
    mock_rounds: int  # scored, in the workspace
    members: int  # who answered or reviewed here
    regulars: list[tuple[str, int]]  # named members with MIN_WEEKS practice weeks or more
    unnamed_regulars: int  # regulars who chose not to be listed


@dataclass(frozen=True)
class SeasonOutcome:
    channel_id: str
    month: date
    status: str  # "posted", "quiet", "skipped", "failed", "paused"
    detail: str = ""


@dataclass(frozen=True)
class ClaimedSeason:
    channel: ChannelView
    report: SeasonReport


def first_monday(month: date) -> date:
    return month + timedelta(days=(7 - month.weekday()) % 7)


def month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def season_due(clock: ChannelClock, now: datetime) -> date | None:
    """The month whose season post is due at `now` (the one before this month's first Monday
    at the leaderboard time), or None before that moment."""
    this_month = local_date(now, clock.timezone).replace(day=1)
    at = local_instant(first_monday(this_month), parse_hhmm(clock.leaderboard_time), clock.timezone)
    return month_before(this_month) if now >= at else None


def due_seasons(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[int, date]]:
    candidates = due_by_clock(
        active_clocks(session, channel_id), lambda clock: season_due(clock, now)
    )
    return not_held(session, SeasonPost, SeasonPost.month, candidates, now)


def season_report(session: Session, channel: Channel, month: date) -> SeasonReport:
    first = first_monday(month)
    end = first_monday((month + timedelta(days=32)).replace(day=1))
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id,
        PromptPost.local_date >= first,
        PromptPost.local_date < end,
    )
    answerers = set(
        session.scalars(
            select(Answer.user_id).where(Answer.post_id.in_(posts), Answer.withdrawn.is_(False))
        )
    )
    answers = session.scalar(
        select(func.count()).where(Answer.post_id.in_(posts), Answer.withdrawn.is_(False))
    )
    reviewers = list(
        session.execute(
            select(ReviewAssignment.reviewer_id).where(
                ReviewAssignment.post_id.in_(posts), ReviewAssignment.scored_at.is_not(None)
            )
        ).scalars()
    )
    start = local_instant(first, time(0), channel.timezone)
    stop = local_instant(end, time(0), channel.timezone)
    rounds = session.execute(
        select(MockScore.match_id, MockScore.round)
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .where(
            MockMatch.team_id == channel.team_id,
            MockScore.created_at >= start,
            MockScore.created_at < stop,
        )
        .distinct()
    ).all()
    here = answerers | set(reviewers)
    weeks = practice_weeks(session, channel, sorted(here), first, end)
    hidden = unlisted_members(session, channel.team_id)
    regulars = sorted(
        ((u, len(w)) for u, w in weeks.items() if len(w) >= MIN_WEEKS),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return SeasonReport(
        channel_id=channel.channel_id,
        month=month,
        weeks=(end - first).days // 7,
        answers=int(answers or 0),
        reviews=len(reviewers),
        mock_rounds=len(rounds),
        members=len(here),
        regulars=[(u, n) for u, n in regulars if u not in hidden],
        unnamed_regulars=sum(1 for u, _ in regulars if u in hidden),
    )


def claim_season(
    session: Session, channel_pk: int, month: date, now: datetime
) -> ClaimedSeason | SeasonOutcome:
    channel = session.get(Channel, channel_pk)
    assert channel is not None
    report = season_report(session, channel, month)
    if not report.answers:
        return SeasonOutcome(channel.channel_id, month, "quiet")
    key = {"channel_pk": channel.id, "month": month}
    if claim(session, SeasonPost, key, {"claimed_at": now}, now) is None:
        return SeasonOutcome(channel.channel_id, month, "skipped", "claimed elsewhere")
    return ClaimedSeason(ChannelView.of(channel), report)


def mark_quiet_season(session: Session, channel_pk: int, month: date, now: datetime) -> None:
    mark_quiet(session, SeasonPost, {"channel_pk": channel_pk, "month": month}, now)


def store_season(session: Session, claimed: ClaimedSeason, ts: str, now: datetime) -> None:
    session.execute(
        update(SeasonPost)
        .where(
            SeasonPost.channel_pk == claimed.channel.id,
            SeasonPost.month == claimed.report.month,
        )
        .values(message_ts=ts, posted_at=now)
    )
    log.info("posted the season of %s in %s", claimed.report.month, claimed.channel.channel_id)


def release_season(
    session: Session, channel_pk: int, month: date, now: datetime, exc: PublishError
) -> None:
    """The post failed: the month stays retryable; a permanent refusal pauses the channel."""
    session.execute(
        delete(SeasonPost).where(
            SeasonPost.channel_pk == channel_pk,
            SeasonPost.month == month,
            SeasonPost.message_ts.is_(None),
        )
    )
    if exc.permanent:
        channel = session.get(Channel, channel_pk)
        assert channel is not None
        pause_channel(session, channel, now, f"Slack error: {exc.reason}")
        log.error("channel %s paused: Slack answered %s", channel.channel_id, exc.reason)
    else:
        log.warning("season post in %s failed (%s); will retry", channel_pk, exc.reason)
