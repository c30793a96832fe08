"""Scored mock rounds of a period: what the weekly tally counts for mock interviews.

A round counts in the week in which its interviewer last submitted its scores (`MockScore.
created_at`, which a re-submission moves), unless the mock was reported missed (a no-show):
see docs/mock.md, "Progress and the leaderboard".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import MockMatch, MockScore
from bot.practice.mocks.stats import not_missed


@dataclass(frozen=True)
class ScoredRound:
    candidate_id: str
    interviewer_id: str
    match_id: int
    round: int
    mean: float  # the round's mean rubric score


def scored_mock_rounds(
    session: Session, team_id: str, start: datetime, end: datetime
) -> list[ScoredRound]:
    """The workspace's mock rounds scored in [start, end), in match and round order.

    Through the scores' created_at index: the period's rounds, not the workspace's history.
    """
    rows = session.execute(
        select(
            MockScore.candidate_id,
            MockScore.interviewer_id,
            MockScore.match_id,
            MockScore.round,
            func.avg(MockScore.score),
        )
        .join(MockMatch, MockMatch.id == MockScore.match_id)
        .where(
            MockMatch.team_id == team_id,
            MockScore.created_at >= start,
            MockScore.created_at < end,
            not_missed(MockScore.match_id),  # only mocks that happened count
        )
        .group_by(
            MockScore.candidate_id, MockScore.interviewer_id, MockScore.match_id, MockScore.round
        )
        .order_by(MockScore.match_id, MockScore.round)
    )
    # float(): PostgreSQL averages come back as Decimal.
    return [ScoredRound(c, i, m, r, float(mean)) for c, i, m, r, mean in rows]
