"""The selections every review stage shares: posts in play, counted answers, live assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, Update, exists, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.models import (
    Answer,
    Channel,
    PromptPost,
    ReviewAssignment,
)
from bot.practice.workspaces import installed_team_ids


def posts_query(channel_id: str | None) -> Select[PromptPost, Channel]:
    query = (
        select(PromptPost, Channel)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(PromptPost.message_ts.is_not(None), Channel.team_id.in_(installed_team_ids()))
        .order_by(PromptPost.id)
    )
    if channel_id is not None:
        query = query.where(Channel.channel_id == channel_id)
    return query


def open_reviews_query(channel_id: str | None, now: datetime) -> Select[int, datetime, datetime]:
    """Posts assigned and still open for review: id and review window only. Each minute's
    tick scans them all (reminders, stand-ins), and loading whole posts decoded every
    prompt's JSON: most of an idle tick at 1,000 channels (docs/benchmarks-history.md)."""
    return (
        posts_query(channel_id)
        .with_only_columns(
            PromptPost.id,
            PromptPost.answers_close_at,
            PromptPost.reviews_close_at,
            maintain_column_froms=True,
        )
        .where(
            PromptPost.assigned_at.is_not(None),
            PromptPost.closed_at.is_(None),
            PromptPost.reviews_close_at > now,
        )
    )


def counted_answers(session: Session, post_id: int) -> list[Answer]:
    """On-time, not withdrawn, non-empty answers: the ones that get reviewed."""
    answers = session.scalars(
        select(Answer)
        .where(Answer.post_id == post_id, Answer.withdrawn.is_(False), Answer.late.is_(False))
        .order_by(Answer.id)
    )
    return [a for a in answers if a.text.strip()]


def answer_live() -> ColumnElement[bool]:
    """Assignments whose answer is still there: a withdrawn answer owes its reviewers nothing."""
    return ReviewAssignment.answer_id.in_(select(Answer.id).where(Answer.withdrawn.is_(False)))


def claim_ids(session: Session, statement: Update) -> list[int]:
    """Run a claiming UPDATE and return the ids it took (RETURNING, never rowcount)."""
    return [int(i) for i in session.scalars(statement.returning(ReviewAssignment.id))]


def release_ids(session: Session, ids: Sequence[int], **cleared: None) -> None:
    """Undo a `claim_ids` claim whose Slack call failed: the next run claims them again."""
    session.execute(update(ReviewAssignment).where(ReviewAssignment.id.in_(ids)).values(**cleared))


def standin_scored(assignment_id: int | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """The assignment was passed on and its stand-in has scored: the original is done with."""
    standin = ReviewAssignment.__table__.alias("standin")
    return exists().where(standin.c.standin_for == assignment_id, standin.c.scored_at.is_not(None))
