"""What a member's App Home shows: reviews waiting for them, their mock, their channels.

Slack-free like the rest of the domain: a session and an explicit `now` in, plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Answer, Channel, PromptPost, ReviewAssignment
from bot.practice.leaderboard.stats import HomeItem, home_items
from bot.practice.members.goals import Goal, days_left, goal_of
from bot.practice.members.settings import (
    DEFAULT,
    Away,
    MemberPrefs,
    away_now_and_next,
    prefs_of,
)
from bot.practice.mocks.queue import MockStatus, current_round, live_match_for, mock_status
from bot.practice.reviews.feedback import OwnAnswer, own_answers

MAX_PENDING = 10  # the Home tab lists this many reviews; the rest are in the DMs


@dataclass(frozen=True)
class PendingReview:
    """An answer the member was asked to score and has not, while reviews are open."""

    assignment_id: int
    author: str
    channel_id: str
    prompt_title: str
    reviews_close_at: datetime


@dataclass(frozen=True)
class Home:
    channels: list[HomeItem]
    pending: list[PendingReview]
    pending_total: int
    mock: MockStatus
    mock_round: int | None  # the live mock's current round, for its buttons
    prefs: MemberPrefs = DEFAULT
    away_now: Away | None = None
    away_next: Away | None = None
    goal: Goal | None = None  # the target interview
    goal_days_left: int = 0
    own: list[OwnAnswer] = field(default_factory=list)  # their answers under review


def pending_reviews(
    session: Session, team_id: str, user_id: str, now: datetime
) -> list[PendingReview]:
    rows = session.execute(
        select(ReviewAssignment.id, Answer.user_id, Channel.channel_id, PromptPost)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            ReviewAssignment.reviewer_id == user_id,
            ReviewAssignment.notified_at.is_not(None),
            ReviewAssignment.scored_at.is_(None),
            Answer.withdrawn.is_(False),
            Channel.team_id == team_id,
            PromptPost.reviews_close_at > now,
        )
        .order_by(PromptPost.reviews_close_at, ReviewAssignment.id)
    ).all()
    return [
        PendingReview(
            assignment_id,
            author,
            channel_id,
            str((post.prompt or {}).get("title") or post.prompt_id),
            post.reviews_close_at,
        )
        for assignment_id, author, channel_id, post in rows
    ]


def home_for(session: Session, team_id: str, user_id: str, now: datetime) -> Home:
    pending = pending_reviews(session, team_id, user_id, now)
    mock = mock_status(session, team_id, user_id, now)
    prefs = prefs_of(session, team_id, user_id)
    away_now, away_next = away_now_and_next(prefs, now)
    goal = goal_of(session, team_id, user_id)
    live = live_match_for(session, team_id, user_id) if mock.status == "in-match" else None
    return Home(
        channels=home_items(session, team_id, user_id, now),
        pending=pending[:MAX_PENDING],
        pending_total=len(pending),
        mock=mock,
        mock_round=current_round(session, live).round if live is not None else None,
        prefs=prefs,
        away_now=away_now,
        away_next=away_next,
        goal=goal,
        goal_days_left=days_left(goal, prefs, now) if goal else 0,
        own=own_answers(session, team_id, user_id, now)[:MAX_PENDING],
    )
