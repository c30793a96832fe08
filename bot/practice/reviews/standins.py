"""Stand-ins: a review not done by the channel's stand-in time goes to whoever takes it first.

At `standin_due_at` (by default half-way through the review time) `offer_standins` claims the
post's unscored reviews (`ReviewAssignment.offered_at`, once) and plans who is offered each
(`plan_offers`, pure): volunteers, and members who answered that day and have scored every
review they were given there; never the answer's author nor anyone already reviewing it; the
least loaded first. Each offer is a `StandinOffer` row whose DM is claimed (`claim_offer`)
before the Slack call. `take_standin` is the accept button: one guarded UPDATE (`passed_to IS
NULL AND scored_at IS NULL`) decides who was first on every database, and the winner gets an
assignment of their own (`source = "standin"`), which counts like any other. The original
reviewer is told once (`claim_passed`) and can still score until the stand-in has scored.
Nothing here commits.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from bot.db import affected, insert_for
from bot.models import Answer, Channel, PromptPost, ReviewAssignment, StandinOffer
from bot.practice.members.settings import away_members
from bot.practice.reviews.assign import volunteers
from bot.practice.reviews.notices import PostRef, ReviewerBrief, post_ref, reviewer_brief
from bot.practice.reviews.queries import (
    answer_live,
    claim_ids,
    counted_answers,
    open_reviews_query,
    posts_query,
)
from bot.practice.scoring import ScoringRules, rules_for
from bot.practice.send_order import one_each_in_turn

STANDIN = "standin"
OFFERS_PER_REVIEW = 3  # people offered each review; the first to accept takes it
OFFERS_PER_PERSON = 3  # offers one person gets per prompt, so nobody is flooded


@dataclass(frozen=True)
class OpenReview:
    assignment_id: int
    author: str
    reviewers: frozenset[str]  # everyone assigned to the answer (the original included)
    covered: bool = False  # another reviewer has already scored the answer


def plan_offers(
    reviews: Sequence[OpenReview],
    candidates: Sequence[str],
    loads: Mapping[str, int],
    *,
    seed: int,
    per_review: int = OFFERS_PER_REVIEW,
    per_person: int = OFFERS_PER_PERSON,
) -> dict[int, tuple[str, ...]]:
    """Who is offered each review (answers nobody has scored first): never its author or a
    reviewer of the answer, nobody more than `per_person` times; the least loaded first
    (their reviews on the post plus the offers already planned), ties broken by a seeded
    order, so the same input gives the same plan."""

    def tie(user: str) -> str:
        return hashlib.sha256(f"{seed}:{user}".encode()).hexdigest()

    offered: Counter[str] = Counter()
    plan: dict[int, tuple[str, ...]] = {}
    # Answers nobody has scored yet come first: they are the ones that would go without.
    for review in sorted(reviews, key=lambda r: r.covered):
        eligible = [
            c
            for c in dict.fromkeys(candidates)
            if c != review.author and c not in review.reviewers and offered[c] < per_person
        ]
        eligible.sort(key=lambda c: (loads.get(c, 0) + offered[c], tie(c)))
        chosen = tuple(eligible[:per_review])
        offered.update(chosen)
        if chosen:
            plan[review.assignment_id] = chosen
    return plan


def standin_due_at(
    answers_close_at: datetime, reviews_close_at: datetime, rules: ScoringRules
) -> datetime:
    return answers_close_at + (reviews_close_at - answers_close_at) * rules.standin_after


def due_standins(session: Session, now: datetime, channel_id: str | None = None) -> list[int]:
    """Posts open for review whose channel offers stand-ins and whose stand-in time passed."""
    posts = session.execute(open_reviews_query(channel_id, now).add_columns(Channel))
    due = []
    for post in posts:
        rules = rules_for(post.Channel)
        if rules.standins and now >= standin_due_at(
            post.answers_close_at, post.reviews_close_at, rules
        ):
            due.append(post.id)
    if not due:
        return due
    # Only posts with a review left undone: the tick runs every minute, and a post whose
    # reviews were all offered (or done) would otherwise take a transaction each time.
    undone = set(
        session.scalars(
            select(ReviewAssignment.post_id)
            .where(ReviewAssignment.post_id.in_(due), *_undone())
            .distinct()
        )
    )
    return [post_id for post_id in due if post_id in undone]


def _left_undone(post_id: int) -> tuple[ColumnElement[bool], ...]:
    """The post's assignments told, not scored, not offered yet, not passed, not a stand-in's
    own."""
    return (ReviewAssignment.post_id == post_id, *_undone())


def _undone() -> tuple[ColumnElement[bool], ...]:
    return (
        ReviewAssignment.notified_at.is_not(None),
        ReviewAssignment.scored_at.is_(None),
        ReviewAssignment.offered_at.is_(None),
        ReviewAssignment.passed_to.is_(None),
        ReviewAssignment.source != STANDIN,
        answer_live(),
    )


def offer_standins(session: Session, post_id: int, now: datetime) -> int | None:
    """Claim the post's reviews left undone and plan their offers (one `StandinOffer` per
    person and review, DMed later); how many offers, or None when there was nothing to claim."""
    ids = claim_ids(
        session, update(ReviewAssignment).where(*_left_undone(post_id)).values(offered_at=now)
    )
    if not ids:
        return None
    post = session.get(PromptPost, post_id)
    assert post is not None
    assignments = list(
        session.scalars(select(ReviewAssignment).where(ReviewAssignment.post_id == post_id))
    )
    answers = {a.id: a.user_id for a in counted_answers(session, post_id)}
    reviewers: dict[int, set[str]] = {}
    loads: Counter[str] = Counter()
    undone: set[str] = set()
    for a in assignments:
        reviewers.setdefault(a.answer_id, set()).add(a.reviewer_id)
        loads[a.reviewer_id] += 1
        if a.scored_at is None and a.passed_to is None:
            undone.add(a.reviewer_id)
    # Answerers who did their own reviews, then volunteers (a volunteer who answered counts once).
    candidates = [u for u in sorted(set(answers.values())) if u not in undone]
    candidates += [v for v in volunteers(session, post.channel_pk) if v not in undone]
    # Nobody away is offered a review (found by the simulation): as with assignments.
    channel = session.get(Channel, post.channel_pk)
    assert channel is not None
    away = away_members(session, channel.team_id, candidates, now)
    candidates = [c for c in candidates if c not in away]
    covered = {a.answer_id for a in assignments if a.scored_at is not None}
    open_reviews = [
        OpenReview(
            a.id, answers[a.answer_id], frozenset(reviewers[a.answer_id]), a.answer_id in covered
        )
        for a in sorted(assignments, key=lambda a: a.id)
        if a.id in ids and a.answer_id in answers
    ]
    plan = plan_offers(open_reviews, candidates, loads, seed=post_id)
    rows = [
        {"assignment_id": aid, "user_id": user, "created_at": now}
        for aid, users in sorted(plan.items())
        for user in users
    ]
    if rows:
        insert = insert_for(session)
        session.execute(
            insert(StandinOffer)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["assignment_id", "user_id"])
        )
    return len(rows)


@dataclass(frozen=True)
class OfferNotice:
    """One stand-in offer DM: the answer, with a button to take its review."""

    offer_id: int
    post: PostRef
    user: str
    assignment_id: int
    author: str
    answer_ts: str
    excerpt: str
    reviews_close_at: datetime


def _offer_open() -> tuple[ColumnElement[bool], ...]:
    return (
        StandinOffer.sent_at.is_(None),
        ReviewAssignment.passed_to.is_(None),
        ReviewAssignment.scored_at.is_(None),
        PromptPost.closed_at.is_(None),
    )


def pending_offers(session: Session, now: datetime, channel_id: str | None = None) -> list[int]:
    """Offers not yet DMed whose review is still up for taking, one person after another
    (`one_each_in_turn`)."""
    query = (
        posts_query(channel_id)
        .with_only_columns(StandinOffer.id, StandinOffer.user_id, maintain_column_froms=True)
        .join(ReviewAssignment, ReviewAssignment.post_id == PromptPost.id)
        .join(StandinOffer, StandinOffer.assignment_id == ReviewAssignment.id)
        .where(*_offer_open(), PromptPost.reviews_close_at > now)
        .order_by(None)
        .order_by(StandinOffer.id)
    )
    rows = one_each_in_turn(session.execute(query), lambda row: row.user_id)
    return [row.id for row in rows]


def claim_offer(session: Session, offer_id: int, now: datetime) -> OfferNotice | None:
    """Claim the offer's DM (`sent_at`) and say what it shows; None when taken or moot."""
    claimed = affected(
        session,
        update(StandinOffer)
        .where(StandinOffer.id == offer_id, StandinOffer.sent_at.is_(None))
        .values(sent_at=now),
    )
    if not claimed:
        return None
    row = session.execute(
        select(StandinOffer, ReviewAssignment, Answer, PromptPost, Channel)
        .join(ReviewAssignment, ReviewAssignment.id == StandinOffer.assignment_id)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(StandinOffer.id == offer_id)
    ).one()
    offer, assignment, answer, post, channel = row
    return OfferNotice(
        offer.id,
        post_ref(post, channel),
        offer.user_id,
        assignment.id,
        answer.user_id,
        answer.message_ts,
        answer.text,
        post.reviews_close_at,
    )


def release_offer(session: Session, notice: OfferNotice) -> None:
    """The DM failed: the next run sends it again."""
    session.execute(
        update(StandinOffer).where(StandinOffer.id == notice.offer_id).values(sent_at=None)
    )


TAKE_REFUSALS = {
    "not-offered": "This review was not offered to you, so it cannot be taken from here.",
    "taken": "Someone else took this review a moment before you. Thank you for offering!",
    "done": "The original reviewer has just scored it, so it is no longer needed. Thank you!",
    "closed": "Reviews for this prompt have closed, so it can no longer be taken.",
    "withdrawn": "The author withdrew this answer, so there is nothing to review any more.",
    "retry": "That did not go through on our side. Please press the button again in a moment.",
}


@dataclass(frozen=True)
class Taken:
    refusal: str | None = None  # a key of TAKE_REFUSALS
    brief: ReviewerBrief | None = None  # the stand-in's brief for the review they took

    @property
    def message(self) -> str:
        return TAKE_REFUSALS.get(self.refusal or "", "")


def take_standin(session: Session, assignment_id: int, user_id: str, now: datetime) -> Taken:
    """The first offered member to accept takes the review: one guarded UPDATE decides, then
    their own assignment (already told: the reply is its brief)."""
    row = session.execute(
        select(ReviewAssignment, Answer, PromptPost)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .join(StandinOffer, StandinOffer.assignment_id == ReviewAssignment.id)
        .where(ReviewAssignment.id == assignment_id, StandinOffer.user_id == user_id)
    ).one_or_none()
    if row is None:
        return Taken("not-offered")
    assignment, answer, post = row
    if post.closed_at is not None or now >= post.reviews_close_at:
        return Taken("closed")
    if answer.withdrawn:
        return Taken("withdrawn")
    won = affected(
        session,
        update(ReviewAssignment)
        .where(
            ReviewAssignment.id == assignment_id,
            ReviewAssignment.passed_to.is_(None),
            ReviewAssignment.scored_at.is_(None),
        )
        .values(passed_to=user_id, passed_at=now),
    )
    if not won:
        session.refresh(assignment)
        return Taken("done" if assignment.scored_at is not None else "taken")
    standin = ReviewAssignment(
        post_id=post.id,
        answer_id=answer.id,
        reviewer_id=user_id,
        source=STANDIN,
        assigned_at=now,
        notified_at=now,
        missed=False,
        standin_for=assignment_id,
    )
    session.add(standin)
    session.flush()
    return Taken(brief=reviewer_brief(session, post, post.channel, user_id, [standin.id]))


@dataclass(frozen=True)
class PassedNotice:
    """The original reviewer's polite note that their review was passed on."""

    assignment_id: int
    post: PostRef
    reviewer: str
    author: str
    reviews_close_at: datetime


def owed_passed(session: Session, now: datetime, channel_id: str | None = None) -> list[int]:
    """Assignments passed on whose original reviewer has not been told yet, one reviewer after
    another (`one_each_in_turn`)."""
    query = (
        posts_query(channel_id)
        .with_only_columns(
            ReviewAssignment.id, ReviewAssignment.reviewer_id, maintain_column_froms=True
        )
        .join(ReviewAssignment, ReviewAssignment.post_id == PromptPost.id)
        .where(
            ReviewAssignment.passed_at.is_not(None),
            ReviewAssignment.passed_told_at.is_(None),
            PromptPost.closed_at.is_(None),
            PromptPost.reviews_close_at > now,
        )
        .order_by(None)
        .order_by(ReviewAssignment.id)
    )
    rows = one_each_in_turn(session.execute(query), lambda row: row.reviewer_id)
    return [row.id for row in rows]


def claim_passed(session: Session, assignment_id: int, now: datetime) -> PassedNotice | None:
    """Claim telling the original reviewer (`passed_told_at`); None when taken."""
    if not claim_ids(
        session,
        update(ReviewAssignment)
        .where(
            ReviewAssignment.id == assignment_id,
            ReviewAssignment.passed_at.is_not(None),
            ReviewAssignment.passed_told_at.is_(None),
        )
        .values(passed_told_at=now),
    ):
        return None
    assignment, answer, post = session.execute(
        select(ReviewAssignment, Answer, PromptPost)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .where(ReviewAssignment.id == assignment_id)
    ).one()
    return PassedNotice(
        assignment.id,
        post_ref(post, post.channel),
        assignment.reviewer_id,
        answer.user_id,
        post.reviews_close_at,
    )


def release_passed(session: Session, notice: PassedNotice) -> None:
    session.execute(
        update(ReviewAssignment)
        .where(ReviewAssignment.id == notice.assignment_id)
        .values(passed_told_at=None)
    )
