"""`/mock`: requests, matches, rounds, and the scores and ratings given in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class MockRequest(Base):
    """A `/mock` request; at most one waiting request per user and workspace."""

    __tablename__ = "mock_requests"
    __table_args__ = (
        Index(
            "uq_mock_requests_waiting",
            "team_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_mock_requests_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(500), default="")
    tz_offset_minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    match_id: Mapped[int | None] = mapped_column(ForeignKey("mock_matches.id"))


class MockMatch(Base):
    __tablename__ = "mock_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_a: Mapped[str] = mapped_column(String(32))
    user_b: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[dict[str, Any]] = mapped_column(JSON)
    round: Mapped[int] = mapped_column(Integer, default=1)
    candidate_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="live")  # live, done


class MockScore(Base):
    """The interviewer's rubric score for the candidate in one round of a mock."""

    __tablename__ = "mock_scores"
    __table_args__ = (UniqueConstraint("match_id", "round", "criterion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    candidate_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MockRound(Base):
    """One round of a mock: who was candidate and interviewer, on which case.

    Round 1 starts with the match; "swap roles" starts round 2 with the roles reversed and a
    case the new candidate has not seen. Counting a user's rows as candidate decides who goes
    first in their next match; the case copy keeps old rounds readable after content edits.
    """

    __tablename__ = "mock_rounds"
    __table_args__ = (
        UniqueConstraint("match_id", "round"),
        Index("ix_mock_rounds_candidate_id", "candidate_id"),
        Index("ix_mock_rounds_interviewer_id", "interviewer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    candidate_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Claimed before the intro is posted in the group DM (once per round)...
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # ... and before the interviewer's private guide is sent (once per round).
    guided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MockRating(Base):
    """The candidate's rating (1-5) of how helpful the interviewer was in one round."""

    __tablename__ = "mock_ratings"
    __table_args__ = (UniqueConstraint("match_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    rater_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# The weekly leaderboard reads one week of mock rounds at a time
# (bot/practice/leaderboard/mock_rounds.py).
Index("ix_mock_scores_created_at", MockScore.created_at)
