"""When the answer window closes: volunteers, assigning reviewers, telling them by DM."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import affected, insert_for
from bot.models import (
    Answer,
    Channel,
    PromptPost,
    ReviewAssignment,
    ReviewerOptIn,
)
from bot.practice.assignment import AnswerRef, assign_reviewers
from bot.practice.ports import ReviewNotifier
from bot.practice.reviews.notices import (
    ShortNotice,
    log_failure,
    post_ref,
    reviewer_brief,
)
from bot.practice.reviews.queries import claim_ids, counted_answers, posts_query
from bot.practice.reviews.thread_notices import post_short_notices
from bot.practice.workspaces import installed_team_ids

log = logging.getLogger(__name__)


RECENT_PAIRS_WINDOW = timedelta(weeks=4)


def set_volunteer(
    session: Session, channel: Channel, user_id: str, active: bool, now: datetime
) -> bool:
    """`/practice review on|off`; returns False when nothing changed."""
    before = session.scalar(
        select(ReviewerOptIn.active).where(
            ReviewerOptIn.channel_pk == channel.id, ReviewerOptIn.user_id == user_id
        )
    )
    insert = insert_for(session)
    session.execute(
        insert(ReviewerOptIn)
        .values(channel_pk=channel.id, user_id=user_id, active=active, updated_at=now)
        .on_conflict_do_update(
            index_elements=["channel_pk", "user_id"], set_={"active": active, "updated_at": now}
        )
    )
    return bool(before) != active


def volunteers(session: Session, channel_pk: int) -> list[str]:
    return list(
        session.scalars(
            select(ReviewerOptIn.user_id)
            .where(ReviewerOptIn.channel_pk == channel_pk, ReviewerOptIn.active.is_(True))
            .order_by(ReviewerOptIn.user_id)
        )
    )


@dataclass(frozen=True)
class AssignOutcome:
    post_id: int
    channel_id: str
    answers: int
    assignments: int
    short: ShortNotice | None = None


def recent_pairs(
    session: Session, channel_pk: int, now: datetime, *, exclude_post: int | None = None
) -> Counter[tuple[str, str]]:
    """(reviewer, author) pairs assigned in the channel over the last 4 weeks, with counts."""
    query = (
        select(ReviewAssignment.reviewer_id, Answer.user_id)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .where(
            PromptPost.channel_pk == channel_pk,
            ReviewAssignment.assigned_at >= now - RECENT_PAIRS_WINDOW,
        )
    )
    if exclude_post is not None:
        query = query.where(ReviewAssignment.post_id != exclude_post)
    return Counter((reviewer, author) for reviewer, author in session.execute(query))


def assign_due(
    session: Session,
    now: datetime,
    channel_id: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> list[AssignOutcome]:
    """Assign reviewers on every post whose answer window has closed; once per post.

    `exclude`: posts to leave for a later run (their thread could not be read yet).

    Each post is claimed (`assigned_at`) in the same transaction that stores its assignments,
    so a racing process either waits and finds it claimed, or never sees it due.
    """
    due = session.execute(
        posts_query(channel_id).where(
            PromptPost.answers_close_at <= now,
            PromptPost.assigned_at.is_(None),
            PromptPost.closed_at.is_(None),
        )
    ).all()
    outcomes = []
    for post, channel in due:
        if post.id in exclude:
            continue
        outcome = assign_post(session, post, channel, now)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def assign_post(
    session: Session, post: PromptPost, channel: Channel, now: datetime
) -> AssignOutcome | None:
    claimed = affected(
        session,
        update(PromptPost)
        .where(PromptPost.id == post.id, PromptPost.assigned_at.is_(None))
        .values(assigned_at=now),
    )
    if not claimed:
        session.rollback()
        return None
    answers = counted_answers(session, post.id)
    per_answer = max(0, channel.reviewers_per_answer)
    plan = assign_reviewers(
        [AnswerRef(a.id, a.user_id) for a in answers],
        per_answer=per_answer,
        volunteers=volunteers(session, channel.id),
        recent_pairs=recent_pairs(session, channel.id, now, exclude_post=post.id),
        seed=post.id,
    )
    if plan.assignments:
        insert = insert_for(session)
        session.execute(
            insert(ReviewAssignment)
            .values(
                [
                    {
                        "post_id": post.id,
                        "answer_id": a.answer_id,
                        "reviewer_id": a.reviewer,
                        "source": a.source,
                        "assigned_at": now,
                        "missed": False,
                    }
                    for a in plan.assignments
                ]
            )
            .on_conflict_do_nothing(index_elements=["answer_id", "reviewer_id"])
        )
    session.commit()
    short = None
    if plan.short:
        authors = {a.id: a.user_id for a in answers}
        short = ShortNotice(
            post_ref(post, channel),
            per_answer,
            tuple((authors[aid], gap) for aid, gap in sorted(plan.short.items())),
        )
    log.info(
        "post %s: %d reviews assigned over %d answers", post.id, len(plan.assignments), len(answers)
    )
    return AssignOutcome(post.id, channel.channel_id, len(answers), len(plan.assignments), short)


def notify_reviewers(
    session: Session, now: datetime, notifier: ReviewNotifier, channel_id: str | None = None
) -> int:
    """One DM per reviewer and post for assignments not yet told; returns DMs sent."""
    pending = session.execute(
        select(ReviewAssignment.post_id, ReviewAssignment.reviewer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            ReviewAssignment.notified_at.is_(None),
            PromptPost.closed_at.is_(None),
            PromptPost.reviews_close_at > now,
            Channel.team_id.in_(installed_team_ids()),
            *([Channel.channel_id == channel_id] if channel_id else []),
        )
        .distinct()
        .order_by(ReviewAssignment.post_id, ReviewAssignment.reviewer_id)
    ).all()
    sent = 0
    for post_id, reviewer in pending:
        ids = claim_ids(
            session,
            update(ReviewAssignment)
            .where(
                ReviewAssignment.post_id == post_id,
                ReviewAssignment.reviewer_id == reviewer,
                ReviewAssignment.notified_at.is_(None),
            )
            .values(notified_at=now),
        )
        session.commit()
        if not ids:
            continue  # another process took it
        post = session.get(PromptPost, post_id)
        assert post is not None
        brief = reviewer_brief(session, post, post.channel, reviewer, ids)
        session.commit()  # never hold a transaction (a SQLite write lock) across a Slack call
        try:
            notifier.send_brief(brief, reminder=False)
        except Exception as exc:
            log_failure(exc, "telling reviewer %s about post %s", reviewer, post_id)
            session.execute(
                update(ReviewAssignment)
                .where(ReviewAssignment.id.in_(ids))
                .values(notified_at=None)
            )
            session.commit()
            continue
        sent += 1
    return sent


@dataclass(frozen=True)
class AssignRun:
    assigned: list[AssignOutcome]
    dms: int


def run_assignments(
    session: Session,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> AssignRun:
    """The `assign-reviewers` due work: assign, say in the thread when short, tell reviewers."""
    outcomes = assign_due(session, now, channel_id, exclude)
    session.commit()
    # Claimed and retried until Slack takes it (this run's posts and earlier failures).
    post_short_notices(session, now, notifier, channel_id)
    dms = notify_reviewers(session, now, notifier, channel_id)
    return AssignRun(outcomes, dms)
