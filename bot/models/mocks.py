"""`/mock`: requests, matches, rounds, and the scores and ratings given in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
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
    # The member's IANA time zone (users.info `tz`) when they asked, and what they picked:
    # `picks` are local "YYYY-MM-DD HH" window starts (the modal's choices, which prefill the
    # next one), `windows` the same as [start, end) UTC epoch seconds, merged.
    tz: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    picks: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    windows: Mapped[list[list[int]]] = mapped_column(JSON, default=list, server_default="[]")
    # "modal" (windows picked) or "working-hours" (`/mock [note]`, docs/mock.md)
    source: Mapped[str] = mapped_column(
        String(16), default="working-hours", server_default="working-hours"
    )
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
    # The shared slot both gave (None for matches made before slots existed).
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    slot_end: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MockNotice(Base):
    """A once-only DM about a match to one person (reminders, the check-in, the pause notice):
    claimed before Slack is called, so a restart or a second process never sends it twice."""

    __tablename__ = "mock_notices"
    __table_args__ = (PrimaryKeyConstraint("match_id", "user_id", "kind"),)

    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))  # remind-24h, remind-15m, check-in, ...
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MockCheckIn(Base):
    """One side's answer to "Did it happen?" after the slot (a second answer replaces it)."""

    __tablename__ = "mock_checkins"
    __table_args__ = (UniqueConstraint("match_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    # happened, moved, partner-no-show, could-not-make-it
    outcome: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MockStanding(Base):
    """A member's standing in the workspace's /mock: paused after no-shows, or first in the
    queue after their partner did not show (until their next match)."""

    __tablename__ = "mock_standings"
    __table_args__ = (PrimaryKeyConstraint("team_id", "user_id"),)

    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    front_of_queue: Mapped[bool] = mapped_column(Boolean, default=False)


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
    # Claimed when the round's feedback both ways is shown to both (docs/mock.md, "Feedback").
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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
