"""Skeptic reviews, one function per use case: the two due-work runs, opening a review from a
button, submitting scores, submitting a challenge."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from bot.content import Criterion, Library
from bot.db import SessionFactory, unit_of_work
from bot.practice.ports import PublishError, ReviewNotifier
from bot.practice.reviews.assign import (
    AssignOutcome,
    assign_post,
    claim_notice,
    due_assignments,
    pending_notices,
    release_notice,
)
from bot.practice.reviews.closing import (
    claim_reminder,
    claim_summary,
    close_post,
    due_closes,
    due_reminders,
    owed_summaries,
    release_reminder,
    release_summary,
    thread_notes,
)
from bot.practice.reviews.notices import AuthorSummary, ReviewerBrief, current_brief, log_failure
from bot.practice.reviews.votes import (
    ChallengeResult,
    Lookup,
    ReviewTarget,
    challenge_failed,
    challenge_posted,
    load_review,
    record_challenge,
    record_scores,
    rubric_for,
)
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssignRun:
    assigned: list[AssignOutcome]
    dms: int


@dataclass(frozen=True)
class CloseRun:
    closed: list[int]
    missed: int
    summaries: int
    reminders: int


def assign_due_reviews(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
) -> AssignRun:
    """The `assign-reviewers` due work: assign, say in the thread when short, tell reviewers."""
    with unit_of_work(sessions) as session:
        due = due_assignments(session, now, channel_id)
    outcomes = []
    for post_id in due:
        with unit_of_work(sessions) as session:
            outcome = assign_post(session, post_id, now)
            session.commit()
        if outcome is None:
            continue  # another process assigned it
        outcomes.append(outcome)
        if outcome.short is not None:
            try:
                notifier.post_short_notice(outcome.short)
            except Exception:
                log.exception("could not post the short-of-reviewers note on %s", post_id)
    dms = tell_reviewers(sessions, now, notifier=notifier, channel_id=channel_id)
    return AssignRun(outcomes, dms)


def _send_briefs(
    sessions: SessionFactory,
    due: list[tuple[int, str]],
    claim: Callable[..., ReviewerBrief | None],
    release: Callable[..., None],
    send: Callable[[ReviewerBrief], None],
    now: datetime,
    what: str,
) -> int:
    """One DM per (post, reviewer), each claimed, sent, released when it fails."""
    sent = 0
    for post_id, reviewer in due:
        try:
            done = claim_then_call(
                sessions,
                partial(claim, post_id=post_id, reviewer=reviewer, now=now),
                send,
                release=lambda session, brief, _exc: release(session, brief),
            )
        except Exception as exc:
            log_failure(exc, f"{what} %s about post %s", reviewer, post_id)
            continue
        sent += done is not None
    return sent


def tell_reviewers(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    channel_id: str | None = None,
    reminder: bool = False,
) -> int:
    """One DM per reviewer and post: the brief for assignments not yet told, or with
    `reminder` the reminder half-way through reviews to those who have not scored."""
    due, claim, release = (
        (due_reminders, claim_reminder, release_reminder)
        if reminder
        else (pending_notices, claim_notice, release_notice)
    )
    with unit_of_work(sessions) as session:
        pending = due(session, now, channel_id)
    send = partial(notifier.send_brief, reminder=reminder)
    what = "reminding" if reminder else "telling"
    return _send_briefs(sessions, pending, claim, release, send, now, what)


def send_summaries(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> int:
    """Each author of a closed post gets their summary once (claimed per answer)."""
    with unit_of_work(sessions) as session:
        owed = owed_summaries(session, now, channel_id)
    sent = 0
    for answer_id in owed:

        def claim(session: Session, answer_id: int = answer_id) -> AuthorSummary | None:
            return claim_summary(session, answer_id, now, library)

        try:
            done = claim_then_call(
                sessions,
                claim,
                notifier.send_summary,
                release=lambda session, summary, _exc: release_summary(session, summary),
            )
        except Exception as exc:
            log_failure(exc, "the summary for answer %s", answer_id)
            continue
        sent += done is not None
    return sent


def close_due_reviews(
    sessions: SessionFactory,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    library: Library,
    channel_id: str | None = None,
) -> CloseRun:
    """The `close-reviews` due work: reminders, then closes, thread notes and summaries."""
    reminders = tell_reviewers(
        sessions, now, notifier=notifier, channel_id=channel_id, reminder=True
    )
    with unit_of_work(sessions) as session:
        due = due_closes(session, now, channel_id)
    closed: list[int] = []
    missed = 0
    for post_id in due:
        with unit_of_work(sessions) as session:
            missed_here = close_post(session, post_id, now)
            notes = thread_notes(session, post_id) if missed_here is not None else None
            session.commit()
        if missed_here is None or notes is None:
            continue  # another process closed it
        closed.append(post_id)
        missed += missed_here
        try:
            notifier.post_notes(notes)
        except Exception:
            # The close is claimed once; a lost note is logged rather than posted twice.
            log.exception("could not post the strong-answer notes for post %s", post_id)
    summaries = send_summaries(
        sessions, now, notifier=notifier, library=library, channel_id=channel_id
    )
    return CloseRun(closed, missed, summaries, reminders)


# --- a reviewer's buttons and modals ------------------------------------------------------


@dataclass(frozen=True)
class ReviewToOpen:
    """The review behind a button, re-checked, with its rubric when scoring."""

    lookup: Lookup
    rubric: tuple[Criterion, ...] = ()


def open_review(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    now: datetime,
    *,
    library: Library | None = None,
) -> ReviewToOpen:
    """A button's review: refused unless assigned to `user_id` and open; with `library`,
    the rubric to score it on."""
    with unit_of_work(sessions) as session:
        lookup = load_review(session, assignment_id, user_id, now)
        target = lookup.target
        if target is None or library is None:
            return ReviewToOpen(lookup)
        return ReviewToOpen(
            lookup, rubric_for(session, target.post.post_id, target.pack_id, library)
        )


def brief_as_it_stands(
    sessions: SessionFactory, assignment_id: int, user_id: str
) -> ReviewerBrief | None:
    """The reviewer's brief for this assignment's prompt now (what is scored), to update
    their DM in place; None when the assignment is not theirs."""
    with unit_of_work(sessions) as session:
        return current_brief(session, assignment_id, user_id)


@dataclass(frozen=True)
class ScoreSubmission:
    refusal: str = ""  # why nothing was saved (a message for the user)
    field_errors: dict[str, str] = field(default_factory=dict)
    target: ReviewTarget | None = None  # set when saved
    replaced: bool = False


ReadScores = Callable[[list[str]], tuple[dict[str, int | None], str]]


def submit_scores(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    read: ReadScores,
    now: datetime,
    *,
    library: Library,
) -> ScoreSubmission:
    """A submitted scoring form: `read(criteria)` gives its (scores, comment)."""
    with unit_of_work(sessions) as session:
        lookup = load_review(session, assignment_id, user_id, now)
        target = lookup.target
        if target is None:
            return ScoreSubmission(refusal=lookup.message)
        rubric = rubric_for(session, target.post.post_id, target.pack_id, library)
        criteria = [c.id for c in rubric]
        scores, comment = read(criteria)
        result = record_scores(
            session, target.answer_id, user_id, scores, comment, now, criteria=criteria
        )
        if result.field_errors:
            return ScoreSubmission(field_errors=result.field_errors)
        if not result.ok:
            log.info("refused scores from %s on %s: %s", user_id, assignment_id, result.refusal)
            return ScoreSubmission(refusal=result.message)
        session.commit()
    log.info("scores saved by %s for answer %s", user_id, target.answer_id)
    return ScoreSubmission(target=target, replaced=result.replaced)


@dataclass(frozen=True)
class ChallengeSubmission:
    recorded: ChallengeResult
    posted: bool = False
    failure: str = ""  # why Slack refused the thread post (the challenge was not kept)


def submit_challenge(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    text: str,
    now: datetime,
    *,
    notifier: ReviewNotifier,
    submission_key: str | None,
    on_recorded: Callable[[ChallengeResult], None],
) -> ChallengeSubmission:
    """A submitted challenge: kept, then posted in the prompt's thread (kept only if posted).

    `on_recorded` runs once the challenge is committed (or refused) and before Slack is
    called: the listener acknowledges the modal there.
    """
    recorded: list[ChallengeResult] = []

    def keep(session: Session) -> ChallengeResult | None:
        result = record_challenge(
            session, assignment_id, user_id, text, now, submission_key=submission_key
        )
        recorded.append(result)
        if result.duplicate or result.challenge_id is None or result.target is None:
            return None  # refused, or a replay the first submission posted
        return result

    def post(result: ChallengeResult) -> str:
        on_recorded(result)
        assert result.target is not None
        return notifier.post_challenge(result.target, text.strip())

    try:
        done = claim_then_call(
            sessions,
            keep,
            post,
            release=lambda session, result, _exc: challenge_failed(session, _id(result)),
            store=lambda session, result, ts: challenge_posted(session, _id(result), ts),
            release_on=PublishError,
        )
    except PublishError as exc:
        log.warning("could not post a challenge by %s: %s", user_id, exc.reason)
        return ChallengeSubmission(recorded[0], failure=exc.reason)
    if done is None:
        if recorded[0].refusal:
            log.info(
                "refused challenge from %s on %s: %s", user_id, assignment_id, recorded[0].refusal
            )
        on_recorded(recorded[0])
        return ChallengeSubmission(recorded[0])
    return ChallengeSubmission(recorded[0], posted=True)


def _id(result: ChallengeResult) -> int:
    assert result.challenge_id is not None
    return result.challenge_id
