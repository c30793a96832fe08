"""One person's progress: `/practice stats` and the App Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    Challenge,
    Channel,
    PromptPost,
    ReviewAssignment,
)
from bot.practice.channels import ChannelView
from bot.practice.leaderboard.history import TREND_WEEKS, criterion_trend
from bot.practice.leaderboard.streaks import weekly_streaks
from bot.practice.leaderboard.tally import tally_week
from bot.practice.leaderboard.week import Row
from bot.practice.reviewer_agreement import ReviewerAgreement, reviewer_agreement
from bot.practice.reviews.feedback import (
    Helpfulness,
    PredictionWeek,
    helpfulness,
    prediction_weeks,
)
from bot.practice.schedule import (
    local_date,
    next_occurrence,
    parse_hhmm,
    parse_weekdays,
    week_start,
)


@dataclass(frozen=True)
class PersonalStats:
    user_id: str
    channel_id: str
    week_start: date
    row: Row | None  # this week so far
    rank: int | None
    ranked: int  # how many people are ranked this week
    last_week_rank: int | None
    streak: int  # practice weeks in a row (bot/practice/leaderboard/streaks.py)
    reviews_this_week: int
    reviews_recent: int  # completed reviews over the trend window
    trend: list[tuple[date, dict[str, float]]]
    agreement: ReviewerAgreement | None = None  # how their scores compare with others'
    freezes: int = 0  # streak freezes in hand
    practised_this_week: bool = False
    helpfulness: Helpfulness | None = None  # how authors rated their reviews
    predictions: tuple[PredictionWeek, ...] = ()  # their predictions against reviewers, by week


def completed_reviews(session: Session, channel: Channel, user_id: str, since: date) -> int:
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id, PromptPost.local_date >= since
    )
    challenged = exists().where(Challenge.assignment_id == ReviewAssignment.id)
    return int(
        session.scalar(
            select(func.count()).where(
                ReviewAssignment.post_id.in_(posts),
                ReviewAssignment.reviewer_id == user_id,
                ReviewAssignment.scored_at.is_not(None),
                challenged,
            )
        )
        or 0
    )


def personal_stats(
    session: Session, channel: Channel, user_id: str, now: datetime
) -> PersonalStats:
    """`/practice stats` and the App Home: one person's progress in one channel."""
    today = local_date(now, channel.timezone)
    monday = week_start(today)
    this = tally_week(session, channel, monday)
    last = tally_week(session, channel, monday - timedelta(days=7))
    row = this.row(user_id)
    last_row = last.row(user_id)
    trend = criterion_trend(session, channel, monday, user_id=user_id, closed_by=now)
    streak = weekly_streaks(session, channel, [user_id], today)[user_id]
    return PersonalStats(
        user_id=user_id,
        channel_id=channel.channel_id,
        week_start=monday,
        row=row,
        rank=row.rank if row else None,
        ranked=len(this.rows),
        last_week_rank=last_row.rank if last_row else None,
        streak=streak.weeks,
        freezes=streak.freezes,
        practised_this_week=streak.this_week,
        reviews_this_week=row.reviews if row else 0,
        reviews_recent=completed_reviews(
            session, channel, user_id, monday - timedelta(weeks=TREND_WEEKS - 1)
        ),
        trend=trend,
        agreement=reviewer_agreement(session, channel, user_id, now),
        helpfulness=helpfulness(session, channel, user_id, now - timedelta(weeks=TREND_WEEKS)),
        predictions=tuple(
            prediction_weeks(session, channel, user_id, monday - timedelta(weeks=TREND_WEEKS - 1))
        ),
    )


def has_activity(session: Session, channel: Channel, user_id: str, since: date) -> bool:
    """Did the user answer or get an assignment in the channel's posts from `since` on?"""
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id, PromptPost.local_date >= since
    )
    answered = session.scalar(
        select(Answer.id).where(Answer.post_id.in_(posts), Answer.user_id == user_id).limit(1)
    )
    if answered is not None:
        return True
    return (
        session.scalar(
            select(ReviewAssignment.id)
            .where(ReviewAssignment.post_id.in_(posts), ReviewAssignment.reviewer_id == user_id)
            .limit(1)
        )
        is not None
    )


@dataclass(frozen=True)
class HomeItem:
    channel: ChannelView
    stats: PersonalStats | None  # None: no activity of the user's there in the recent weeks
    next_prompt_at: datetime | None


def home_items(session: Session, team_id: str, user_id: str, now: datetime) -> list[HomeItem]:
    """The user's practice channels of the workspace (active ones first) for the App Home."""
    channels = session.scalars(
        select(Channel)
        .where(Channel.team_id == team_id, Channel.paused.is_(False))
        .order_by(Channel.id)
    ).all()
    items = []
    for channel in channels:
        since = week_start(local_date(now, channel.timezone)) - timedelta(weeks=TREND_WEEKS - 1)
        stats = (
            personal_stats(session, channel, user_id, now)
            if has_activity(session, channel, user_id, since)
            else None
        )
        upcoming = next_occurrence(
            now,
            parse_hhmm(channel.post_time),
            parse_weekdays(channel.weekdays),
            channel.timezone,
        )
        items.append(HomeItem(ChannelView.of(channel), stats, upcoming))
    items.sort(key=lambda item: item.stats is None)
    return items
