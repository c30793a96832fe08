"""`/mock stats` and the weekly post's line: mocks held, show rate, partners, scores over time.

A mock was held when a side said it happened or a round of it was scored, and nobody did not
show (`checkins.absent_in`); the leaderboard counts only those (`leaderboard/mock_rounds.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.models import MockCheckIn, MockMatch, MockRequest, MockRound, MockScore
from bot.practice.mocks.checkins import absent_in

NO_SHOW_OUTCOMES = ("partner-no-show", "could-not-make-it")


def not_missed(match_id: Any) -> ColumnElement[bool]:
    """SQL: the match was not reported missed (no no-show answer, or a side said it happened)."""
    missed = exists().where(
        MockCheckIn.match_id == match_id, MockCheckIn.outcome.in_(NO_SHOW_OUTCOMES)
    )
    happened = exists().where(MockCheckIn.match_id == match_id, MockCheckIn.outcome == "happened")
    return or_(~missed, happened)


@dataclass(frozen=True)
class ScorePoint:
    when: datetime  # when the interviewer scored the round
    mean: float


@dataclass(frozen=True)
class MockRecord:
    held: int
    answered: int  # matches whose outcome the user or partner reported (not "moved")
    showed: int  # of those, the ones the user did not miss
    partners: int  # distinct partners of held mocks
    scores: list[ScorePoint]  # revealed rounds as the candidate, oldest first

    @property
    def show_rate(self) -> float | None:
        return self.showed / self.answered if self.answered else None


def _answers(session: Session, ids: list[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {i: {} for i in ids}
    for match_id, user, outcome in session.execute(
        select(MockCheckIn.match_id, MockCheckIn.user_id, MockCheckIn.outcome).where(
            MockCheckIn.match_id.in_(ids)
        )
    ):
        found[match_id][user] = outcome
    return found


def mock_record(session: Session, team_id: str, user_id: str) -> MockRecord:
    matches = session.execute(
        select(MockMatch.id, MockMatch.user_a, MockMatch.user_b).where(
            MockMatch.team_id == team_id,
            or_(MockMatch.user_a == user_id, MockMatch.user_b == user_id),
        )
    ).all()
    ids = [m[0] for m in matches]
    answers = _answers(session, ids)
    scored = set(
        session.scalars(
            select(MockRound.match_id).where(
                MockRound.match_id.in_(ids), MockRound.scored_at.is_not(None)
            )
        )
    )
    held, answered, showed, partners = 0, 0, 0, set()
    for match_id, a, b in matches:
        said = answers[match_id]
        absent = absent_in(said, (a, b))
        if said and set(said.values()) != {"moved"}:
            answered += 1
            showed += absent != user_id
        if absent is None and ("happened" in said.values() or match_id in scored):
            held += 1
            partners.add(b if a == user_id else a)
    points = [
        ScorePoint(when, float(mean))
        for when, mean in session.execute(
            select(func.max(MockScore.created_at), func.avg(MockScore.score))
            .join(
                MockRound,
                and_(MockRound.match_id == MockScore.match_id, MockRound.round == MockScore.round),
            )
            .where(
                MockScore.match_id.in_(ids),
                MockScore.candidate_id == user_id,
                MockRound.revealed_at.is_not(None),
            )
            .group_by(MockScore.match_id, MockScore.round)
            .order_by(func.max(MockScore.created_at))
        )
    ]
    return MockRecord(held, answered, showed, len(partners), points)


@dataclass(frozen=True)
class WeekOfMocks:
    held: int
    waiting: int


def week_of_mocks(
    session: Session, team_id: str, start: datetime, end: datetime, now: datetime
) -> WeekOfMocks:
    """The weekly post's line: mocks held with a slot in [start, end), and who waits now."""
    scored = exists().where(MockRound.match_id == MockMatch.id, MockRound.scored_at.is_not(None))
    happened = exists().where(
        MockCheckIn.match_id == MockMatch.id, MockCheckIn.outcome == "happened"
    )
    held = session.scalar(
        select(func.count(MockMatch.id)).where(
            MockMatch.team_id == team_id,
            MockMatch.slot_start >= start,
            MockMatch.slot_start < end,
            or_(scored, happened),
            not_missed(MockMatch.id),
        )
    )
    waiting = session.scalar(
        select(func.count(MockRequest.id)).where(
            MockRequest.team_id == team_id,
            MockRequest.status == "waiting",
            MockRequest.expires_at > now,
        )
    )
    return WeekOfMocks(int(held or 0), int(waiting or 0))
