"""Plain data handed to the review notifier (no ORM objects cross the port), and how it is built."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import prompt_from_snapshot
from bot.models import (
    Answer,
    Channel,
    PromptPost,
    ReviewAssignment,
)
from bot.practice.calibration import samples_of
from bot.practice.ports import PublishError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostRef:
    post_id: int
    team_id: str
    channel_id: str
    thread_ts: str
    prompt_title: str


@dataclass(frozen=True)
class ReviewItem:
    assignment_id: int
    answer_id: int
    author: str
    answer_ts: str
    excerpt: str
    scored: bool


@dataclass(frozen=True)
class ReviewerBrief:
    """One DM to one reviewer about one post: every answer they review there."""

    post: PostRef
    reviewer: str
    challenges: tuple[str, ...]  # the prompt's skeptic challenges
    reviews_close_at: datetime
    items: tuple[ReviewItem, ...]
    samples: int = 0  # the prompt's sample answers, for calibration
    covers: tuple[str, ...] = ()  # the key: what a complete answer covers (never posted)

    @property
    def assignment_ids(self) -> list[int]:
        return [i.assignment_id for i in self.items]


@dataclass(frozen=True)
class CriterionMean:
    criterion: str
    name: str
    mean: float
    votes: int


@dataclass(frozen=True)
class AuthorSummary:
    post: PostRef
    author: str
    answer_id: int
    means: tuple[CriterionMean, ...]
    challenges: tuple[tuple[str, str], ...]  # (reviewer, text)
    comments: tuple[tuple[str, str], ...]  # (reviewer, text)
    reviewers: int
    scored_by: int
    covers: tuple[str, ...] = ()  # the key, shown once reviews close
    strong_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThreadNotes:
    post: PostRef
    strong_answers: tuple[str, ...]
    answers: int
    scored: int
    covers: tuple[str, ...] = ()  # the key, revealed in the thread when reviews close


@dataclass(frozen=True)
class ShortNotice:
    """Answers that got fewer reviewers than the channel asks for (answer author -> missing)."""

    post: PostRef
    wanted: int
    missing: tuple[tuple[str, int], ...]


def post_ref(post: PromptPost, channel: Channel) -> PostRef:
    title = str((post.prompt or {}).get("title") or post.prompt_id)
    return PostRef(post.id, channel.team_id, channel.channel_id, post.message_ts or "", title)


def reviewer_brief(
    session: Session, post: PromptPost, channel: Channel, reviewer: str, ids: Sequence[int]
) -> ReviewerBrief:
    rows = session.execute(
        select(ReviewAssignment, Answer)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .where(ReviewAssignment.id.in_(ids))
        .order_by(Answer.answered_at, Answer.id)
    ).all()
    prompt = prompt_from_snapshot(post.prompt)
    items = tuple(
        ReviewItem(
            assignment_id=ra.id,
            answer_id=answer.id,
            author=answer.user_id,
            answer_ts=answer.message_ts,
            excerpt=answer.text,  # the renderer shortens it
            scored=ra.scored_at is not None,
        )
        for ra, answer in rows
    )
    return ReviewerBrief(
        post_ref(post, channel),
        reviewer,
        prompt.challenges,
        post.reviews_close_at,
        items,
        samples=len(samples_of(post.prompt or {})),
        covers=prompt.covers,
    )


def claimed_brief(
    session: Session, post_id: int, reviewer: str, ids: Sequence[int]
) -> ReviewerBrief | None:
    """The DM for the assignments a claim took (`ids`); None when it took none (another
    process did, or nothing is owed any more)."""
    if not ids:
        return None
    post = session.get(PromptPost, post_id)
    assert post is not None
    return reviewer_brief(session, post, post.channel, reviewer, ids)


def current_brief(session: Session, assignment_id: int, reviewer: str) -> ReviewerBrief | None:
    """The reviewer's brief for this assignment's prompt as it stands now (what is scored), so
    their DM can be updated in place; None when the assignment is not theirs."""
    assignment = session.get(ReviewAssignment, assignment_id)
    if assignment is None or assignment.reviewer_id != reviewer:
        return None
    post = session.get(PromptPost, assignment.post_id)
    assert post is not None
    ids = session.scalars(
        select(ReviewAssignment.id).where(
            ReviewAssignment.post_id == post.id,
            ReviewAssignment.reviewer_id == reviewer,
            ReviewAssignment.notified_at.is_not(None),
        )
    ).all()
    return reviewer_brief(session, post, post.channel, reviewer, ids)


def log_failure(exc: Exception, message: str, *args: object) -> None:
    if isinstance(exc, PublishError):
        log.warning(message + " failed: %s (released; retried on the next run)", *args, exc.reason)
    else:
        log.exception(message + " failed (released; retried on the next run)", *args)
