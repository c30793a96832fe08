"""When the answer window closes: volunteers, assigning reviewers, telling them by DM.

Per-item steps that never commit: `bot/services/review_window.py` runs each in its own unit of
work and calls the notifier between them, with no transaction open.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

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
from bot.practice.assignment import AnswerRef, Assignment, AssignmentPlan, assign_reviewers
from bot.practice.members.settings import away_members
from bot.practice.reviews.notices import ReviewerBrief, ShortNotice, claimed_brief, post_ref
from bot.practice.reviews.queries import claim_ids, counted_answers, posts_query, release_ids
from bot.practice.send_order import one_each_in_turn
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


def due_assignments(
    session: Session,
    now: datetime,
    channel_id: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> list[int]:
    """Posts whose answer window has closed and that nobody has assigned reviewers on yet.

    `exclude`: posts to leave for a later run (their thread could not be read yet).
    """
    due = session.execute(
        posts_query(channel_id).where(
            PromptPost.answers_close_at <= now,
            PromptPost.assigned_at.is_(None),
            PromptPost.closed_at.is_(None),
        )
    )
    return [post.id for post, _channel in due if post.id not in exclude]


def assign_post(session: Session, post_id: int, now: datetime) -> AssignOutcome | None:
    """Claim the post (`assigned_at`) and store its assignments in the same transaction, so a
    racing process either waits and finds it claimed, or never sees it due. None: taken."""
    claimed = affected(
        session,
        update(PromptPost)
        .where(PromptPost.id == post_id, PromptPost.assigned_at.is_(None))
        .values(assigned_at=now),
    )
    if not claimed:
        return None
    post = session.get(PromptPost, post_id)
    assert post is not None
    channel = post.channel
    answers = counted_answers(session, post.id)
    per_answer = max(0, channel.reviewers_per_answer)
    pool = volunteers(session, channel.id)
    # Away members get no reviews (issue 25): not as volunteers, nor as that day's answerers.
    away = away_members(session, channel.team_id, {a.user_id for a in answers} | set(pool), now)
    plan = _without(
        assign_reviewers(
            [AnswerRef(a.id, a.user_id) for a in answers],
            per_answer=per_answer,
            volunteers=[v for v in pool if v not in away],
            recent_pairs=recent_pairs(session, channel.id, now, exclude_post=post.id),
            seed=post.id,
        ),
        away,
    )
    _store_plan(session, post.id, plan.assignments, now)
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


def _without(plan: AssignmentPlan, away: set[str]) -> AssignmentPlan:
    """The plan less the reviews it gave to away members; their answers are short by as many."""
    if not away:
        return plan
    short = Counter(plan.short)
    kept = []
    for a in plan.assignments:
        if a.reviewer in away:
            short[a.answer_id] += 1
        else:
            kept.append(a)
    return AssignmentPlan(tuple(kept), dict(short))


def _store_plan(
    session: Session, post_id: int, planned: Sequence[Assignment], now: datetime
) -> None:
    if not planned:
        return
    insert = insert_for(session)
    session.execute(
        insert(ReviewAssignment)
        .values(
            [
                {
                    "post_id": post_id,
                    "answer_id": a.answer_id,
                    "reviewer_id": a.reviewer,
                    "source": a.source,
                    "assigned_at": now,
                    "missed": False,
                }
                for a in planned
            ]
        )
        .on_conflict_do_nothing(index_elements=["answer_id", "reviewer_id"])
    )


def pending_notices(
    session: Session, now: datetime, channel_id: str | None = None
) -> list[tuple[int, str]]:
    """(post id, reviewer) of assignments not yet told, on posts still open for review, one
    reviewer after another (`one_each_in_turn`)."""
    rows = session.execute(
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
    )
    return one_each_in_turn([(post_id, reviewer) for post_id, reviewer in rows], itemgetter(1))


def claim_notice(
    session: Session, post_id: int, reviewer: str, now: datetime
) -> ReviewerBrief | None:
    """Claim telling `reviewer` about their assignments on the post (`notified_at`) and say
    what to tell them; None when another process took it."""
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
    return claimed_brief(session, post_id, reviewer, ids)


def release_notice(session: Session, brief: ReviewerBrief) -> None:
    """The DM failed: the next run tells the reviewer again."""
    release_ids(session, brief.assignment_ids, notified_at=None)
