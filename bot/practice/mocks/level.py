"""A member's level for matching: the leaderboard's quality estimate over recent months."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Answer, Channel, MockMatch, MockScore, PromptPost, Vote
from bot.practice.scoring import DEFAULT_RULES, quality_estimate

# Scores older than this no longer say how someone answers today.
LEVEL_WINDOW = timedelta(days=90)


def member_levels(
    session: Session, team_id: str, users: list[str], now: datetime
) -> dict[str, float]:
    """Each user's quality estimate (1-5; the rubric's middle with no scores): the means of
    their scored answers in the workspace's channels and of their mock rounds as candidate,
    shrunk as the leaderboard does (`scoring.quality_estimate`, default rules)."""
    since = now - LEVEL_WINDOW
    answers: dict[str, list[float]] = defaultdict(list)
    for user, mean in session.execute(
        select(Answer.user_id, func.avg(Vote.score))
        .join(Vote, Vote.answer_id == Answer.id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            Channel.team_id == team_id, Answer.user_id.in_(users), PromptPost.claimed_at >= since
        )
        .group_by(Answer.id, Answer.user_id)
    ):
        answers[user].append(float(mean))
    mocks: dict[str, list[float]] = defaultdict(list)
    for user, mean in session.execute(
        select(MockScore.candidate_id, func.avg(MockScore.score))
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .where(
            MockMatch.team_id == team_id,
            MockScore.candidate_id.in_(users),
            MockScore.created_at >= since,
        )
        .group_by(MockScore.match_id, MockScore.round, MockScore.candidate_id)
    ):
        mocks[user].append(float(mean))
    return {u: quality_estimate(DEFAULT_RULES, answers[u], mocks[u]) for u in users}
