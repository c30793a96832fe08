"""While reviews are open: looking a review up, scores and challenges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from bot import metrics
from bot.content import Criterion, Library, prompt_from_snapshot
from bot.db import affected, insert_for
from bot.models import (
    Answer,
    Challenge,
    PromptPost,
    ReviewAssignment,
    Vote,
)
from bot.practice.calibration import samples_of
from bot.practice.deliveries import claim_delivery
from bot.practice.reviews.notices import (
    PostRef,
    post_ref,
)

MIN_SCORE, MAX_SCORE = 1, 5


MAX_COMMENT_CHARS = 3000


MAX_CHALLENGE_CHARS = 3000


REFUSALS = {
    "not-found": "That review no longer exists. Nothing was changed.",
    "own-answer": "You cannot review your own answer. Nothing was changed.",
    "not-assigned": (
        "You are not one of this answer's assigned reviewers, so you cannot score or challenge "
        "it. Reviewers are picked when the answer window closes; `/practice review on` "
        "volunteers you for the next ones."
    ),
    "closed": "Reviews for this prompt have closed, so nothing can be changed any more.",
    "withdrawn": "The author withdrew this answer, so there is nothing to review any more.",
    "unknown-criterion": (
        "Those scores name a criterion this prompt's rubric does not have (the rubric may have "
        "changed). Nothing was changed; please open the scoring form again."
    ),
}


@dataclass(frozen=True)
class ReviewTarget:
    assignment_id: int
    answer_id: int
    reviewer: str
    author: str
    answer_text: str
    answer_ts: str
    post: PostRef
    pack_id: str
    challenges: tuple[str, ...]
    reviews_close_at: datetime
    scores: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    samples: int = 0  # the prompt's sample answers, for calibration


@dataclass(frozen=True)
class Lookup:
    target: ReviewTarget | None
    refusal: str | None = None  # a key of REFUSALS

    @property
    def message(self) -> str:
        return REFUSALS.get(self.refusal or "", "")


def is_closed(post: PromptPost, now: datetime) -> bool:
    return post.closed_at is not None or now >= post.reviews_close_at


def load_review(session: Session, assignment_id: int, user_id: str, now: datetime) -> Lookup:
    """The review behind a button, re-checked: assigned to `user_id`, open, answer present."""
    row = session.execute(
        select(ReviewAssignment, Answer, PromptPost)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .where(ReviewAssignment.id == assignment_id)
    ).one_or_none()
    if row is None:
        return Lookup(None, "not-found")
    assignment, answer, post = row
    if answer.user_id == user_id:
        return Lookup(None, "own-answer")
    if assignment.reviewer_id != user_id:
        return Lookup(None, "not-assigned")
    if is_closed(post, now):
        return Lookup(None, "closed")
    if answer.withdrawn:
        return Lookup(None, "withdrawn")
    scores = {
        criterion: score
        for criterion, score in session.execute(
            select(Vote.criterion, Vote.score).where(
                Vote.answer_id == answer.id, Vote.reviewer_id == user_id
            )
        )
    }
    prompt = prompt_from_snapshot(post.prompt)
    return Lookup(
        ReviewTarget(
            assignment_id=assignment.id,
            answer_id=answer.id,
            reviewer=user_id,
            author=answer.user_id,
            answer_text=answer.text,
            answer_ts=answer.message_ts,
            post=post_ref(post, post.channel),
            pack_id=post.pack_id,
            challenges=prompt.challenges,
            reviews_close_at=post.reviews_close_at,
            scores=scores,
            comment=assignment.comment or "",
            samples=len(samples_of(post.prompt or {})),
        )
    )


def rubric_for(
    session: Session, post_id: int, pack_id: str, library: Library
) -> tuple[Criterion, ...]:
    """The criteria the post is scored on: its kind's rubric in its pack, narrowed to the
    criteria its prompt snapshot names (a post keeps the criteria it was posted with; an old
    snapshot without them scores the whole rubric). If the pack is gone, the criteria its
    votes already used."""
    pack = library.pack(pack_id)
    if pack is not None and pack.rubric:
        snapshot = session.scalar(select(PromptPost.prompt).where(PromptPost.id == post_id))
        return pack.criteria_for(prompt_from_snapshot(snapshot)) if snapshot else pack.rubric
    used = session.scalars(
        select(Vote.criterion)
        .join(Answer, Answer.id == Vote.answer_id)
        .where(Answer.post_id == post_id)
        .distinct()
        .order_by(Vote.criterion)
    )
    return tuple(Criterion(id=c, name=c, question="", anchors={}) for c in used)


@dataclass(frozen=True)
class ScoreResult:
    ok: bool
    refusal: str | None = None  # a key of REFUSALS: the whole submission is refused
    field_errors: dict[str, str] = field(default_factory=dict)  # criterion id -> problem
    replaced: bool = False  # an earlier submission was replaced

    @property
    def message(self) -> str:
        return REFUSALS.get(self.refusal or "", "")


def record_scores(
    session: Session,
    answer_id: int,
    reviewer_id: str,
    scores: Mapping[str, int | None],
    comment: str | None,
    now: datetime,
    *,
    criteria: Sequence[str],
) -> ScoreResult:
    """Store one reviewer's rubric scores for an answer (one per criterion; replaces earlier).

    Refused, changing nothing, when: the answer is the reviewer's own, the reviewer is not
    assigned to it, reviews are closed, the answer was withdrawn, a criterion is unknown; field
    errors for a missing criterion or a score outside 1..5. The caller commits.
    """
    found = _scorable_assignment(session, answer_id, reviewer_id, now)
    if isinstance(found, ScoreResult):
        return found
    assignment, post = found
    checked = _check_scores(scores, criteria)
    if isinstance(checked, ScoreResult):
        return checked
    text = (comment or "").strip()[:MAX_COMMENT_CHARS] or None
    replaced = assignment.scored_at is not None
    if not _mark_scored(session, assignment, post, text, now):
        return ScoreResult(False, "closed")
    _upsert_votes(session, answer_id, reviewer_id, checked, now)
    # Counted here, the one place a review is recorded, whichever surface submitted it.
    if not replaced:
        metrics.REVIEWS_COMPLETED.inc()
    metrics.VOTES.inc(len(checked))
    return ScoreResult(True, replaced=replaced)


def _scorable_assignment(
    session: Session, answer_id: int, reviewer_id: str, now: datetime
) -> tuple[ReviewAssignment, PromptPost] | ScoreResult:
    """The reviewer's assignment to this answer and its post, or the refusal."""
    row = session.execute(
        select(Answer, PromptPost)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(Answer.id == answer_id)
    ).one_or_none()
    if row is None:
        return ScoreResult(False, "not-found")
    answer, post = row
    if answer.user_id == reviewer_id:
        return ScoreResult(False, "own-answer")
    assignment = session.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.answer_id == answer_id, ReviewAssignment.reviewer_id == reviewer_id
        )
    ).one_or_none()
    if assignment is None:
        return ScoreResult(False, "not-assigned")
    if is_closed(post, now):
        return ScoreResult(False, "closed")
    if answer.withdrawn:
        return ScoreResult(False, "withdrawn")
    return assignment, post


def _mark_scored(
    session: Session,
    assignment: ReviewAssignment,
    post: PromptPost,
    comment: str | None,
    now: datetime,
) -> bool:
    """Mark the assignment scored unless its reviews closed; whether they were still open."""
    # The guard and the write are one statement: a close committed meanwhile wins.
    return affected(
        session,
        update(ReviewAssignment)
        .where(
            ReviewAssignment.id == assignment.id,
            exists().where(
                PromptPost.id == post.id,
                PromptPost.closed_at.is_(None),
                PromptPost.reviews_close_at > now,
            ),
        )
        .values(scored_at=now, comment=comment),
    )


def _check_scores(
    scores: Mapping[str, int | None], criteria: Sequence[str]
) -> dict[str, int] | ScoreResult:
    """One 1-5 score per rubric criterion, or why not (a refusal or field errors)."""
    known = list(dict.fromkeys(criteria))
    if any(c not in known for c in scores):
        return ScoreResult(False, "unknown-criterion")
    errors: dict[str, str] = {}
    checked: dict[str, int] = {}
    for criterion in known:
        value = scores.get(criterion)
        if value is None:
            errors[criterion] = "Please choose a score from 1 to 5."
        elif not MIN_SCORE <= value <= MAX_SCORE:
            errors[criterion] = "Scores go from 1 to 5."
        else:
            checked[criterion] = int(value)
    if errors:
        return ScoreResult(False, field_errors=errors)
    return checked


def _upsert_votes(
    session: Session, answer_id: int, reviewer_id: str, scores: dict[str, int], now: datetime
) -> None:
    """One vote per criterion; a re-submission (or a replay) replaces the earlier one."""
    insert = insert_for(session)
    statement = insert(Vote).values(
        [
            {
                "answer_id": answer_id,
                "reviewer_id": reviewer_id,
                "criterion": criterion,
                "score": score,
                "updated_at": now,
            }
            for criterion, score in sorted(scores.items())
        ]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["answer_id", "reviewer_id", "criterion"],
            set_={"score": statement.excluded.score, "updated_at": statement.excluded.updated_at},
        )
    )


@dataclass(frozen=True)
class ChallengeResult:
    ok: bool
    refusal: str | None = None
    field_error: str | None = None
    challenge_id: int | None = None
    target: ReviewTarget | None = None
    duplicate: bool = False

    @property
    def message(self) -> str:
        return REFUSALS.get(self.refusal or "", "")


def record_challenge(
    session: Session,
    assignment_id: int,
    reviewer_id: str,
    text: str,
    now: datetime,
    *,
    submission_key: str | None = None,
) -> ChallengeResult:
    """Keep a reviewer's challenge (to be posted in the thread); the caller commits.

    `submission_key` (e.g. the modal's view id) makes a replayed submission a no-op: it then
    returns ok with `duplicate` set and no challenge id.
    """
    lookup = load_review(session, assignment_id, reviewer_id, now)
    if lookup.target is None:
        return ChallengeResult(False, lookup.refusal)
    text = text.strip()
    if not text:
        return ChallengeResult(False, field_error="Please write your challenge.")
    if len(text) > MAX_CHALLENGE_CHARS:
        return ChallengeResult(
            False, field_error=f"Please keep it under {MAX_CHALLENGE_CHARS} characters."
        )
    if submission_key is not None and not claim_delivery(
        session, f"challenge:{submission_key}", "challenge", now
    ):
        return ChallengeResult(True, duplicate=True, target=lookup.target)
    challenge = Challenge(assignment_id=assignment_id, text=text, created_at=now)
    session.add(challenge)
    session.flush()
    return ChallengeResult(True, challenge_id=challenge.id, target=lookup.target)


def challenge_posted(session: Session, challenge_id: int, ts: str) -> None:
    session.execute(update(Challenge).where(Challenge.id == challenge_id).values(message_ts=ts))


def challenge_failed(session: Session, challenge_id: int) -> None:
    """The thread post failed: the challenge was never seen, so it is not kept."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is not None:
        session.delete(challenge)
