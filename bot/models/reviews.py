"""Skeptic reviews: volunteers, assignments, challenges, rubric votes, and calibration scores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, UTCDateTime
from bot.models.posts import Answer


class ReviewerOptIn(Base):
    """A member who volunteered (`/practice review on`) to review in a channel."""

    __tablename__ = "reviewer_optins"

    channel_pk: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewAssignment(Base):
    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("answer_id", "reviewer_id"),
        Index("ix_review_assignments_post_reviewer", "post_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("prompt_posts.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # "answerer" or "volunteer"
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    missed: Mapped[bool] = mapped_column(Boolean, default=False)

    answer: Mapped[Answer] = relationship()


class Challenge(Base):
    """A skeptic's challenge, posted in the prompt's thread on the reviewer's behalf."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))


class Vote(Base):
    """One rubric score: unique per reviewer, answer and criterion (re-submission replaces)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("answer_id", "reviewer_id", "criterion"),
        # Covering index of the weekly tally's grouped reads (sums per answer, per criterion,
        # per reviewer): answered from the index alone, no lookup of each vote's row.
        Index("ix_votes_answer_criterion", "answer_id", "criterion", "reviewer_id", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalibrationScore(Base):
    """A reviewer's score of one of a prompt's sample answers on one criterion (calibration),
    with the pack's own score for it, so agreement with the pack needs no content lookup."""

    __tablename__ = "calibration_scores"
    __table_args__ = (
        UniqueConstraint(
            "channel_pk",
            "prompt_id",
            "level",
            "reviewer_id",
            "criterion",
            name="uq_calibration_scores_sample_reviewer",  # the convention's name is too long
        ),
        Index("ix_calibration_scores_channel_updated", "channel_pk", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))  # "weak" or "strong"
    reviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    reference: Mapped[int] = mapped_column(Integer)  # the pack's score for this sample
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
