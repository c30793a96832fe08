"""Half-way and at the close: reminders, closing, thread notes and author summaries.

Per-item steps that never commit: `bot/services/review_window.py` runs each in its own unit of
work and calls the notifier between them, with no transaction open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.content import Library, prompt_from_snapshot
from bot.db import affected
from bot.models import Answer, Challenge, PromptPost, ReviewAssignment, Vote
from bot.practice.reviews.feedback import reviewed
from bot.practice.reviews.notices import (
    AuthorSummary,
    CriterionMean,
    ReviewerBrief,
    ThreadNotes,
    claimed_brief,
    post_ref,
)
from bot.practice.reviews.queries import (
    answer_live,
    claim_ids,
    counted_answers,
    open_reviews_query,
    posts_query,
    release_ids,
    standin_scored,
)
from bot.practice.reviews.votes import rubric_for
from bot.practice.send_order import one_each_in_turn

# Summaries still owed (a crash between the close and the DMs) are caught up for this long.
SUMMARY_CATCH_UP = timedelta(days=2)


def reminder_due_at(answers_close_at: datetime, reviews_close_at: datetime) -> datetime:
    return answers_close_at + (reviews_close_at - answers_close_at) / 2


def _owed_reminder(post_id: int, reviewer: str) -> tuple[Any, ...]:
    """Assignments told, not scored, not yet reminded, whose answer is still there."""
    return (
        ReviewAssignment.post_id == post_id,
        ReviewAssignment.reviewer_id == reviewer,
        *_owed(),
    )


def _owed() -> tuple[Any, ...]:
    return (
        ReviewAssignment.scored_at.is_(None),
        ReviewAssignment.reminded_at.is_(None),
        ReviewAssignment.notified_at.is_not(None),
        ReviewAssignment.passed_to.is_(None),  # passed on: the stand-in has it now
        answer_live(),
    )


def due_reminders(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[int, str]]:
    """(post id, reviewer) owed a reminder: half-way through reviews, not scored yet; one
    reviewer after another (`one_each_in_turn`). Two reads whatever the number of posts
    open: every minute's tick runs this."""
    halfway = [
        post.id
        for post in session.execute(open_reviews_query(channel_id, now))
        if now >= reminder_due_at(post.answers_close_at, post.reviews_close_at)
    ]
    if not halfway:
        return []
    owed = session.execute(
        select(ReviewAssignment.post_id, ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.post_id.in_(halfway), *_owed())
        .distinct()
        .order_by(ReviewAssignment.post_id, ReviewAssignment.reviewer_id)
    )
    return one_each_in_turn([(post_id, reviewer) for post_id, reviewer in owed], itemgetter(1))


def claim_reminder(
    session: Session, post_id: int, reviewer: str, now: datetime
) -> ReviewerBrief | None:
    """Claim the reminder (`reminded_at`) and say what it lists; None when taken."""
    ids = claim_ids(
        session,
        update(ReviewAssignment).where(*_owed_reminder(post_id, reviewer)).values(reminded_at=now),
    )
    return claimed_brief(session, post_id, reviewer, ids)


def release_reminder(session: Session, brief: ReviewerBrief) -> None:
    """The DM failed: the next run reminds the reviewer again."""
    release_ids(session, brief.assignment_ids, reminded_at=None)


def due_closes(session: Session, now: datetime, channel_id: str | None = None) -> list[int]:
    """Posts whose reviews are due to close."""
    due = session.execute(
        posts_query(channel_id).where(
            PromptPost.reviews_close_at <= now, PromptPost.closed_at.is_(None)
        )
    )
    return [post.id for post, _channel in due]


def close_post(session: Session, post_id: int, now: datetime) -> int | None:
    """Claim the close (`closed_at`) and mark unscored assignments missed; returns how many
    were missed, or None when another process closed it."""
    claimed = affected(
        session,
        update(PromptPost)
        .where(PromptPost.id == post_id, PromptPost.closed_at.is_(None))
        .values(closed_at=now, assigned_at=func.coalesce(PromptPost.assigned_at, now)),
    )
    if not claimed:
        return None
    missed = claim_ids(
        session,
        update(ReviewAssignment)
        .where(
            ReviewAssignment.post_id == post_id,
            ReviewAssignment.scored_at.is_(None),
            answer_live(),
            # Passed to a stand-in who scored it: the review was done, nobody missed it.
            ~standin_scored(ReviewAssignment.id),
        )
        .values(missed=True),
    )
    return len(missed)


def thread_notes(session: Session, post_id: int) -> ThreadNotes:
    post = session.get(PromptPost, post_id)
    assert post is not None
    answers = counted_answers(session, post_id)
    scored = session.scalar(
        select(func.count(func.distinct(Vote.answer_id))).where(
            Vote.answer_id.in_([a.id for a in answers])
        )
    )
    prompt = prompt_from_snapshot(post.prompt)
    return ThreadNotes(
        post_ref(post, post.channel),
        prompt.strong_answers,
        len(answers),
        scored or 0,
        covers=prompt.covers,
    )


def author_summary(session: Session, answer: Answer, library: Library) -> AuthorSummary:
    post = answer.post
    rubric = rubric_for(session, post.id, post.pack_id, library)
    pack = library.pack(post.pack_id)
    # Votes keep the criteria they were cast on, retired ones included: name those too.
    names = {c.id: c.name for c in (*(pack.all_criteria() if pack else ()), *rubric)}
    order = {c.id: i for i, c in enumerate(rubric)}
    rows = session.execute(
        select(Vote.criterion, func.avg(Vote.score), func.count())
        .where(Vote.answer_id == answer.id)
        .group_by(Vote.criterion)
    ).all()
    means = tuple(
        CriterionMean(c, names.get(c, c), round(float(mean), 2), int(count))
        for c, mean, count in sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[0]))
    )
    challenges = tuple(
        (reviewer, text)
        for reviewer, text in session.execute(
            select(ReviewAssignment.reviewer_id, Challenge.text)
            .join(ReviewAssignment, ReviewAssignment.id == Challenge.assignment_id)
            .where(ReviewAssignment.answer_id == answer.id, Challenge.message_ts.is_not(None))
            .order_by(Challenge.created_at, Challenge.id)
        )
    )
    assignments = list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.answer_id == answer.id)
            .order_by(ReviewAssignment.reviewer_id)
        )
    )
    comments = tuple((a.reviewer_id, a.comment) for a in assignments if a.comment)
    prompt = prompt_from_snapshot(post.prompt)
    overall = session.scalar(select(func.avg(Vote.score)).where(Vote.answer_id == answer.id))
    return AuthorSummary(
        post=post_ref(post, post.channel),
        author=answer.user_id,
        answer_id=answer.id,
        means=means,
        challenges=challenges,
        comments=comments,
        # A review passed to a stand-in counts once: the stand-in's (unless the original scored).
        reviewers=sum(1 for a in assignments if a.passed_to is None or a.scored_at is not None),
        scored_by=sum(1 for a in assignments if a.scored_at is not None),
        covers=prompt.covers,
        strong_answers=prompt.strong_answers,
        predicted=answer.predicted_score,
        overall=round(float(overall), 2) if overall is not None else None,
        rateable=tuple(reviewed(session, answer.id)),
    )


def owed_summaries(session: Session, now: datetime, channel_id: str | None = None) -> list[int]:
    """Answers of recently closed posts whose author has not had their summary."""
    query = (
        posts_query(channel_id)
        .with_only_columns(Answer.id, maintain_column_froms=True)
        .join(Answer, Answer.post_id == PromptPost.id)
        .where(
            PromptPost.closed_at.is_not(None),
            PromptPost.closed_at >= now - SUMMARY_CATCH_UP,
            Answer.summary_sent_at.is_(None),
            Answer.withdrawn.is_(False),
            Answer.late.is_(False),
            Answer.text != "",
        )
        .order_by(None)
        .order_by(Answer.id)
    )
    return list(session.scalars(query))


def claim_summary(
    session: Session, answer_id: int, now: datetime, library: Library
) -> AuthorSummary | None:
    """Claim the author's summary (`summary_sent_at`) and make it; None when taken."""
    claimed = affected(
        session,
        update(Answer)
        .where(Answer.id == answer_id, Answer.summary_sent_at.is_(None))
        .values(summary_sent_at=now),
    )
    if not claimed:
        return None
    answer = session.get(Answer, answer_id)
    assert answer is not None
    return author_summary(session, answer, library)


def release_summary(session: Session, summary: AuthorSummary) -> None:
    """The DM failed: the next run sends the summary again."""
    session.execute(
        update(Answer).where(Answer.id == summary.answer_id).values(summary_sent_at=None)
    )
