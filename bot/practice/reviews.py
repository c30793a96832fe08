"""Skeptic reviews: assignment, telling reviewers, challenges, votes, reminders and closing.

A post's review life, all as idempotent due-work on the post's timeline:

* `answers_close_at`: `run_assignments` claims the post (`assigned_at`, once-only), persists the
  plan of the pure `assign_reviewers` (seeded by the post id, steered away from pairs that met in
  the channel's last 4 weeks), then DMs each reviewer once (`notified_at`, claimed per reviewer
  and post before the Slack call; released when the call fails, so a rerun retries).
* midpoint of [answers_close_at, reviews_close_at]: `send_reminders` DMs a reviewer who has not
  scored, once (`reminded_at` per assignment).
* `reviews_close_at`: `run_closing` claims the post (`closed_at`), marks unscored assignments
  missed, posts the prompt's "what strong answers did" notes in the thread, then sends every
  author their summary once (`Answer.summary_sent_at`). Paused channels still close.

Scores (`record_scores`) are upserts on (answer, reviewer, criterion): a re-submission replaces,
a replay or a concurrent duplicate collapses, and nothing is counted twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from bot.content import Criterion, Library, prompt_from_snapshot
from bot.db import affected, insert_for
from bot.models import (
    Answer,
    Challenge,
    Channel,
    PromptPost,
    ReviewAssignment,
    ReviewerOptIn,
    Vote,
)
from bot.practice.assignment import AnswerRef, assign_reviewers
from bot.practice.deliveries import claim_delivery
from bot.practice.ports import PublishError, ReviewNotifier
from bot.practice.workspaces import installed_team_ids

log = logging.getLogger(__name__)

RECENT_PAIRS_WINDOW = timedelta(weeks=4)
# Summaries still owed (a crash between the close and the DMs) are caught up for this long.
SUMMARY_CATCH_UP = timedelta(days=2)
MIN_SCORE, MAX_SCORE = 1, 5
MAX_COMMENT_CHARS = 3000
MAX_CHALLENGE_CHARS = 3000
EXCERPT_CHARS = 280

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


# ---------------------------------------------------------------------------------------------
# Plain data handed to the notifier (no ORM objects cross the port).


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


@dataclass(frozen=True)
class ThreadNotes:
    post: PostRef
    strong_answers: tuple[str, ...]
    answers: int
    scored: int


@dataclass(frozen=True)
class ShortNotice:
    """Answers that got fewer reviewers than the channel asks for (answer author -> missing)."""

    post: PostRef
    wanted: int
    missing: tuple[tuple[str, int], ...]


# ---------------------------------------------------------------------------------------------
# Volunteers


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


# ---------------------------------------------------------------------------------------------
# Assignment


@dataclass(frozen=True)
class AssignOutcome:
    post_id: int
    channel_id: str
    answers: int
    assignments: int
    short: ShortNotice | None = None


def _post_ref(post: PromptPost, channel: Channel) -> PostRef:
    title = str((post.prompt or {}).get("title") or post.prompt_id)
    return PostRef(post.id, channel.team_id, channel.channel_id, post.message_ts or "", title)


def _posts_query(channel_id: str | None):  # type: ignore[no-untyped-def]
    query = (
        select(PromptPost, Channel)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(PromptPost.message_ts.is_not(None), Channel.team_id.in_(installed_team_ids()))
        .order_by(PromptPost.id)
    )
    if channel_id is not None:
        query = query.where(Channel.channel_id == channel_id)
    return query


def counted_answers(session: Session, post_id: int) -> list[Answer]:
    """On-time, not withdrawn, non-empty answers: the ones that get reviewed."""
    answers = session.scalars(
        select(Answer)
        .where(Answer.post_id == post_id, Answer.withdrawn.is_(False), Answer.late.is_(False))
        .order_by(Answer.id)
    )
    return [a for a in answers if a.text.strip()]


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
    session: Session, now: datetime, channel_id: str | None = None
) -> list[AssignOutcome]:
    """Assign reviewers on every post whose answer window has closed; once per post.

    Each post is claimed (`assigned_at`) in the same transaction that stores its assignments,
    so a racing process either waits and finds it claimed, or never sees it due.
    """
    due = session.execute(
        _posts_query(channel_id).where(
            PromptPost.answers_close_at <= now,
            PromptPost.assigned_at.is_(None),
            PromptPost.closed_at.is_(None),
        )
    ).all()
    outcomes = []
    for post, channel in due:
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
            _post_ref(post, channel),
            per_answer,
            tuple((authors[aid], gap) for aid, gap in sorted(plan.short.items())),
        )
    log.info(
        "post %s: %d reviews assigned over %d answers", post.id, len(plan.assignments), len(answers)
    )
    return AssignOutcome(post.id, channel.channel_id, len(answers), len(plan.assignments), short)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _brief(
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
            excerpt=_excerpt(answer.text),
            scored=ra.scored_at is not None,
        )
        for ra, answer in rows
    )
    return ReviewerBrief(
        _post_ref(post, channel), reviewer, prompt.challenges, post.reviews_close_at, items
    )


def _answer_live():  # type: ignore[no-untyped-def]
    """Assignments whose answer is still there: a withdrawn answer owes its reviewers nothing."""
    return ReviewAssignment.answer_id.in_(select(Answer.id).where(Answer.withdrawn.is_(False)))


def _claim_ids(session: Session, statement) -> list[int]:  # type: ignore[no-untyped-def]
    """Run a claiming UPDATE and return the ids it took (RETURNING, never rowcount)."""
    return [int(i) for i in session.scalars(statement.returning(ReviewAssignment.id))]


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
        ids = _claim_ids(
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
        brief = _brief(session, post, post.channel, reviewer, ids)
        session.commit()  # never hold a transaction (a SQLite write lock) across a Slack call
        try:
            notifier.send_brief(brief, reminder=False)
        except Exception as exc:
            _log_failure(exc, "telling reviewer %s about post %s", reviewer, post_id)
            session.execute(
                update(ReviewAssignment)
                .where(ReviewAssignment.id.in_(ids))
                .values(notified_at=None)
            )
            session.commit()
            continue
        sent += 1
    return sent


def _log_failure(exc: Exception, message: str, *args: object) -> None:
    if isinstance(exc, PublishError):
        log.warning(message + " failed: %s (released; retried on the next run)", *args, exc.reason)
    else:
        log.exception(message + " failed (released; retried on the next run)", *args)


@dataclass(frozen=True)
class AssignRun:
    assigned: list[AssignOutcome]
    dms: int


def run_assignments(
    session: Session, now: datetime, *, notifier: ReviewNotifier, channel_id: str | None = None
) -> AssignRun:
    """The `assign-reviewers` due work: assign, say in the thread when short, tell reviewers."""
    outcomes = assign_due(session, now, channel_id)
    session.commit()
    for outcome in outcomes:
        if outcome.short is not None:
            try:
                notifier.post_short_notice(outcome.short)
            except Exception:
                log.exception("could not post the short-of-reviewers note on %s", outcome.post_id)
    dms = notify_reviewers(session, now, notifier, channel_id)
    return AssignRun(outcomes, dms)


# ---------------------------------------------------------------------------------------------
# Looking a review up (buttons, modals)


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


@dataclass(frozen=True)
class Lookup:
    target: ReviewTarget | None
    refusal: str | None = None  # a key of REFUSALS

    @property
    def message(self) -> str:
        return REFUSALS.get(self.refusal or "", "")


def _is_closed(post: PromptPost, now: datetime) -> bool:
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
    if _is_closed(post, now):
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
            post=_post_ref(post, post.channel),
            pack_id=post.pack_id,
            challenges=prompt.challenges,
            reviews_close_at=post.reviews_close_at,
            scores=scores,
            comment=assignment.comment or "",
        )
    )


def rubric_for(
    session: Session, post_id: int, pack_id: str, library: Library
) -> tuple[Criterion, ...]:
    """The rubric of the post's kind in its pack; if the pack is gone, the criteria its votes
    already used."""
    pack = library.pack(pack_id)
    if pack is not None and pack.rubric:
        snapshot = session.scalar(select(PromptPost.prompt).where(PromptPost.id == post_id))
        return pack.rubric_for(str((snapshot or {}).get("kind", "")))
    used = session.scalars(
        select(Vote.criterion)
        .join(Answer, Answer.id == Vote.answer_id)
        .where(Answer.post_id == post_id)
        .distinct()
        .order_by(Vote.criterion)
    )
    return tuple(Criterion(id=c, name=c, question="", anchors={}) for c in used)


# ---------------------------------------------------------------------------------------------
# Votes


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
    if _is_closed(post, now):
        return ScoreResult(False, "closed")
    if answer.withdrawn:
        return ScoreResult(False, "withdrawn")
    known = list(dict.fromkeys(criteria))
    if any(c not in known for c in scores):
        return ScoreResult(False, "unknown-criterion")
    errors: dict[str, str] = {}
    for criterion in known:
        value = scores.get(criterion)
        if value is None:
            errors[criterion] = "Please choose a score from 1 to 5."
        elif not MIN_SCORE <= value <= MAX_SCORE:
            errors[criterion] = "Scores go from 1 to 5."
    if errors:
        return ScoreResult(False, field_errors=errors)
    text = (comment or "").strip()[:MAX_COMMENT_CHARS] or None
    replaced = assignment.scored_at is not None
    # The guard and the write are one statement: a close committed meanwhile wins.
    still_open = affected(
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
        .values(scored_at=now, comment=text),
    )
    if not still_open:
        return ScoreResult(False, "closed")
    insert = insert_for(session)
    statement = insert(Vote).values(
        [
            {
                "answer_id": answer_id,
                "reviewer_id": reviewer_id,
                "criterion": criterion,
                "score": int(scores[criterion]),  # type: ignore[arg-type]
                "updated_at": now,
            }
            for criterion in sorted(known)
        ]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["answer_id", "reviewer_id", "criterion"],
            set_={"score": statement.excluded.score, "updated_at": statement.excluded.updated_at},
        )
    )
    return ScoreResult(True, replaced=replaced)


# ---------------------------------------------------------------------------------------------
# Challenges


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


# ---------------------------------------------------------------------------------------------
# Reminders


def reminder_due_at(post: PromptPost) -> datetime:
    return post.answers_close_at + (post.reviews_close_at - post.answers_close_at) / 2


def send_reminders(
    session: Session, now: datetime, notifier: ReviewNotifier, channel_id: str | None = None
) -> int:
    """One reminder DM per reviewer and post, half-way through reviews, if they have not scored."""
    posts = session.execute(
        _posts_query(channel_id).where(
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
                _answer_live(),
            )
            .distinct()
            .order_by(ReviewAssignment.reviewer_id)
        ).all()
        for reviewer in reviewers:
            ids = _claim_ids(
                session,
                update(ReviewAssignment)
                .where(
                    ReviewAssignment.post_id == post.id,
                    ReviewAssignment.reviewer_id == reviewer,
                    ReviewAssignment.scored_at.is_(None),
                    ReviewAssignment.reminded_at.is_(None),
                    ReviewAssignment.notified_at.is_not(None),
                    _answer_live(),
                )
                .values(reminded_at=now),
            )
            session.commit()
            if not ids:
                continue
            brief = _brief(session, post, channel, reviewer, ids)
            session.commit()
            try:
                notifier.send_brief(brief, reminder=True)
            except Exception as exc:
                _log_failure(exc, "reminding %s about post %s", reviewer, post.id)
                session.execute(
                    update(ReviewAssignment)
                    .where(ReviewAssignment.id.in_(ids))
                    .values(reminded_at=None)
                )
                session.commit()
                continue
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# Closing


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
        _posts_query(channel_id).where(
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
        missed = _claim_ids(
            session,
            update(ReviewAssignment)
            .where(
                ReviewAssignment.post_id == post.id,
                ReviewAssignment.scored_at.is_(None),
                _answer_live(),
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
        _post_ref(post, post.channel), prompt.strong_answers, len(answers), scored or 0
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
        post=_post_ref(post, post.channel),
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
            _log_failure(exc, "the summary for answer %s", answer_id)
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
    for post_id, _missed in closed:
        notes = thread_notes(session, post_id)
        session.commit()
        try:
            notifier.post_notes(notes)
        except Exception:
            # The close is claimed once; a lost note is logged rather than posted twice.
            log.exception("could not post the strong-answer notes for post %s", post_id)
    summaries = send_summaries(
        session, now, notifier=notifier, library=library, channel_id=channel_id
    )
    return CloseRun([p for p, _ in closed], sum(m for _, m in closed), summaries, reminders)


def missed_reviews(session: Session, reviewer_id: str) -> int:
    """How many assignments the reviewer left unscored (for the leaderboard's review credit)."""
    return (
        session.scalar(
            select(func.count()).where(
                and_(ReviewAssignment.reviewer_id == reviewer_id, ReviewAssignment.missed.is_(True))
            )
        )
        or 0
    )
