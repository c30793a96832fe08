"""Half-way and at the close: reminders, closing, thread notes and author summaries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.content import Library, prompt_from_snapshot
from bot.db import affected
from bot.models import (
    Answer,
    Challenge,
    Channel,
    PromptPost,
    ReviewAssignment,
    Vote,
)
from bot.practice.ports import ReviewNotifier
from bot.practice.reviews.notices import (
    AuthorSummary,
    CriterionMean,
    ThreadNotes,
    log_failure,
    post_ref,
    reviewer_brief,
)
from bot.practice.reviews.queries import answer_live, claim_ids, counted_answers, posts_query
from bot.practice.reviews.thread_notices import NOTES, closed_without_notes, post_once
from bot.practice.reviews.votes import rubric_for
from bot.practice.workspaces import installed_team_ids

log = logging.getLogger(__name__)


# Summaries still owed (a crash between the close and the DMs) are caught up for this long.
SUMMARY_CATCH_UP = timedelta(days=2)


def reminder_due_at(post: PromptPost) -> datetime:
    return post.answers_close_at + (post.reviews_close_at - post.answers_close_at) / 2


def send_reminders(
    session: Session, now: datetime, notifier: ReviewNotifier, channel_id: str | None = None
) -> int:
    """One reminder DM per reviewer and post, half-way through reviews, if they have not scored."""
    posts = session.execute(
        posts_query(channel_id).where(
            PromptPost.assigned_at.is_not(None),
            PromptPost.closed_at.is_(None),
            PromptPost.reviews_close_at > now,
        )
    ).all()
    sent = 0
    for post, channel in posts:
        if now < reminder_due_at(post):
            continue
        reviewers = session.scalars(
            select(ReviewAssignment.reviewer_id)
            .where(
                ReviewAssignment.post_id == post.id,
                ReviewAssignment.scored_at.is_(None),
                ReviewAssignment.reminded_at.is_(None),
                ReviewAssignment.notified_at.is_not(None),
                answer_live(),
            )
            .distinct()
            .order_by(ReviewAssignment.reviewer_id)
        ).all()
        for reviewer in reviewers:
            ids = claim_ids(
                session,
                update(ReviewAssignment)
                .where(
                    ReviewAssignment.post_id == post.id,
                    ReviewAssignment.reviewer_id == reviewer,
                    ReviewAssignment.scored_at.is_(None),
                    ReviewAssignment.reminded_at.is_(None),
                    ReviewAssignment.notified_at.is_not(None),
                    answer_live(),
                )
                .values(reminded_at=now),
            )
            session.commit()
            if not ids:
                continue
            brief = reviewer_brief(session, post, channel, reviewer, ids)
            session.commit()
            try:
                notifier.send_brief(brief, reminder=True)
            except Exception as exc:
                log_failure(exc, "reminding %s about post %s", reviewer, post.id)
                session.execute(
                    update(ReviewAssignment)
                    .where(ReviewAssignment.id.in_(ids))
                    .values(reminded_at=None)
                )
                session.commit()
                continue
            sent += 1
    return sent


@dataclass(frozen=True)
class CloseRun:
    closed: list[int]
    missed: int
    summaries: int
    reminders: int


def close_due(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[int, int]]:
    """Close every post whose reviews are due to close; returns (post id, missed) per close."""
    due = session.execute(
        posts_query(channel_id).where(
            PromptPost.reviews_close_at <= now, PromptPost.closed_at.is_(None)
        )
    ).all()
    closed = []
    for post, _channel in due:
        claimed = affected(
            session,
            update(PromptPost)
            .where(PromptPost.id == post.id, PromptPost.closed_at.is_(None))
            .values(closed_at=now, assigned_at=func.coalesce(PromptPost.assigned_at, now)),
        )
        if not claimed:
            session.rollback()
            continue
        missed = claim_ids(
            session,
            update(ReviewAssignment)
            .where(
                ReviewAssignment.post_id == post.id,
                ReviewAssignment.scored_at.is_(None),
                answer_live(),
            )
            .values(missed=True),
        )
        session.commit()
        closed.append((post.id, len(missed)))
    return closed


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
        post_ref(post, post.channel), prompt.strong_answers, len(answers), scored or 0
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
    return AuthorSummary(
        post=post_ref(post, post.channel),
        author=answer.user_id,
        answer_id=answer.id,
        means=means,
        challenges=challenges,
        comments=comments,
        reviewers=len(assignments),
        scored_by=sum(1 for a in assignments if a.scored_at is not None),
    )


def send_summaries(
    session: Session,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> int:
    """Each author of a closed post gets their summary once (claimed per answer)."""
    query = (
        select(Answer.id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            PromptPost.closed_at.is_not(None),
            PromptPost.closed_at >= now - SUMMARY_CATCH_UP,
            Channel.team_id.in_(installed_team_ids()),
            Answer.summary_sent_at.is_(None),
            Answer.withdrawn.is_(False),
            Answer.late.is_(False),
            Answer.text != "",
        )
        .order_by(Answer.id)
    )
    if channel_id is not None:
        query = query.where(Channel.channel_id == channel_id)
    sent = 0
    for answer_id in session.scalars(query).all():
        claimed = affected(
            session,
            update(Answer)
            .where(Answer.id == answer_id, Answer.summary_sent_at.is_(None))
            .values(summary_sent_at=now),
        )
        session.commit()
        if not claimed:
            continue
        answer = session.get(Answer, answer_id)
        assert answer is not None
        summary = author_summary(session, answer, library)
        session.commit()
        try:
            notifier.send_summary(summary)
        except Exception as exc:
            log_failure(exc, "the summary for answer %s", answer_id)
            session.execute(
                update(Answer).where(Answer.id == answer_id).values(summary_sent_at=None)
            )
            session.commit()
            continue
        sent += 1
    return sent


def run_closing(
    session: Session,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> CloseRun:
    """The `close-reviews` due work: reminders, then closes, thread notes and summaries."""
    reminders = send_reminders(session, now, notifier, channel_id)
    closed = close_due(session, now, channel_id)
    session.commit()
    # Claimed and retried until Slack takes them (this run's closes and earlier failures).
    for post_id in closed_without_notes(session, now, channel_id):
        notes = thread_notes(session, post_id)
        post_once(session, post_id, NOTES, now, lambda n=notes: notifier.post_notes(n))
    summaries = send_summaries(
        session, now, notifier=notifier, library=library, channel_id=channel_id
    )
    return CloseRun([p for p, _ in closed], sum(m for _, m in closed), summaries, reminders)
