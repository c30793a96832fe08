"""Skeptic reviews: volunteers, assignments, stand-in offers, challenges, rubric votes, authors'
ratings of reviews, and calibration scores."""

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
    # Stand-ins (docs/scoring.md): an assignment not scored by the channel's stand-in time is
    # offered once (`offered_at`); the first to accept takes it (`passed_to`, `passed_at`, a
    # guarded update) and gets an assignment of their own (`standin_for` names this one).
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    passed_to: Mapped[str | None] = mapped_column(String(32))
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    passed_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    standin_for: Mapped[int | None] = mapped_column(Integer)

    answer: Mapped[Answer] = relationship()


class StandinOffer(Base):
    """A stand-in offer to one member for one assignment; its DM is claimed (`sent_at`) before
    the Slack call and released when the call fails, so it is sent once."""

    __tablename__ = "standin_offers"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReviewRating(Base):
    """An author's word on how helpful one review was: once per review (and so per author).
    It never changes anyone's points."""

    __tablename__ = "review_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True
    )
    author_id: Mapped[str] = mapped_column(String(32))
    helpful: Mapped[bool] = mapped_column(Boolean)
    word: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


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
    level: Mapped[str] = mapped_column(String(16))  # "weak", "middling" or "strong"
    reviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    reference: Mapped[int] = mapped_column(Integer)  # the pack's score for this sample
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
