"""Skeptic reviews, one function per use case: opening a review from a button, submitting
scores, submitting a challenge, taking a review as a stand-in, an author's prediction and
rating of a review. (The review jobs' due work is `bot/services/review_window.py`.)

Every result is a plain dataclass built inside the unit of work; no ORM row leaves it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from bot import metrics
from bot.content import Criterion, Library
from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.ports import PublishError, ReviewNotifier
from bot.practice.reviews.assign import release_notice
from bot.practice.reviews.feedback import (
    OwnAnswer,
    Prediction,
    Rating,
    add_rating_word,
    predict_score,
    rate_review,
    unlocked_answer,
)
from bot.practice.reviews.notices import ReviewerBrief, current_brief, log_failure
from bot.practice.reviews.standins import Taken, take_standin
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
from bot.services.home import HomePage, home_page
from bot.services.publishing import claim_then_call
from bot.services.review_window import tell_passed

log = logging.getLogger(__name__)


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
    with read_only(sessions) as session:
        lookup = load_review(session, assignment_id, user_id, now)
        target = lookup.target
        if target is None or library is None:
            return ReviewToOpen(lookup)
        return ReviewToOpen(
            lookup, rubric_for(session, target.post.post_id, target.pack_id, library)
        )


@dataclass(frozen=True)
class ScoreSubmission:
    refusal: str = ""  # why nothing was saved (a message for the user)
    field_errors: dict[str, str] = field(default_factory=dict)
    target: ReviewTarget | None = None  # set when saved
    replaced: bool = False
    own: OwnAnswer | None = None  # the reviewer's own answer, when this unlocked its scores
    home: HomePage | None = None  # the reviewer's App Home as it now stands, when asked for


ReadScores = Callable[[list[str]], tuple[dict[str, int | None], str]]


@dataclass(frozen=True)
class BriefMessage:
    """The reviewer's brief DM the scoring modal came from; both None when it was opened
    from the App Home (the notifier then finds the brief by its metadata)."""

    channel: str | None = None
    ts: str | None = None


def submit_scores(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    read: ReadScores,
    now: datetime,
    *,
    library: Library,
    notifier: ReviewNotifier,
    brief: BriefMessage,
    on_saved: Callable[[ScoreSubmission], None],
    with_home: bool = False,
) -> ScoreSubmission:
    """A submitted scoring form, the whole use case: `read(criteria)` gives its (scores,
    comment); the scores are saved; the reviewer's brief DM is rewritten to show what is now
    scored; with `with_home`, the reviewer's App Home is read back for the listener to publish.

    `on_saved` runs once the scores are committed (or refused) and before Slack is called:
    the listener acknowledges the modal there.
    """
    saved = _save_scores(sessions, assignment_id, user_id, read, now, library=library)
    on_saved(saved)
    if saved.target is None:
        return saved
    _update_brief(sessions, assignment_id, user_id, notifier, brief)
    if not with_home:
        return saved
    home = home_page(sessions, saved.target.post.team_id, user_id, now, library=library)
    return replace(saved, home=home)


def _update_brief(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    notifier: ReviewNotifier,
    message: BriefMessage,
) -> None:
    """The reviewer's brief for this prompt as it stands now, rewritten in their DM (after
    the commit: no transaction is open)."""
    with read_only(sessions) as session:
        brief = current_brief(session, assignment_id, user_id)
    if brief is None:
        return
    try:
        notifier.update_brief(brief, message.channel, message.ts)
    except PublishError as exc:
        log.warning("could not update %s's review DM: %s", user_id, exc.reason)


def _save_scores(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    read: ReadScores,
    now: datetime,
    *,
    library: Library,
) -> ScoreSubmission:
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
        # Counted here, the one service that records a review, after it is committed.
        if not result.replaced:
            metrics.REVIEWS_COMPLETED.inc()
        metrics.VOTES.inc(result.votes)
        own = None if result.replaced else unlocked_answer(session, target.post.post_id, user_id)
    log.info("scores saved by %s for answer %s", user_id, target.answer_id)
    return ScoreSubmission(target=target, replaced=result.replaced, own=own)


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


# --- stand-ins and authors' feedback ---------------------------------------------------------


def accept_standin(
    sessions: SessionFactory,
    assignment_id: int,
    user_id: str,
    now: datetime,
    *,
    notifier: ReviewNotifier,
) -> Taken:
    """The "Take this review" button: the first offered member to click takes it (decided in
    the database), gets its brief by DM, and the original reviewer is told. A failed brief
    DM is released to the assign job's next run, which sends it."""
    taken: list[Taken] = []

    def take(session: Session) -> ReviewerBrief | None:
        result = take_standin(session, assignment_id, user_id, now)
        taken.append(result)
        return result.brief

    try:
        claim_then_call(
            sessions,
            take,
            partial(notifier.send_brief, reminder=False),
            release=lambda session, brief, _exc: release_notice(session, brief),
        )
    except Exception as exc:
        log_failure(exc, "sending stand-in %s their brief", user_id)
    if not taken:  # the database failed before the claim was decided: nothing changed
        return Taken("retry")
    if taken[0].brief is not None:
        metrics.STANDINS_TAKEN.inc()  # here, not in the domain: it imports no metrics
        log.info("%s stands in for review %s", user_id, assignment_id)
        tell_passed(sessions, assignment_id, now, notifier=notifier)
    return taken[0]


def predict(
    sessions: SessionFactory, answer_id: int, user_id: str, score: int, now: datetime
) -> Prediction:
    """The author's one-click prediction of their score (once; before any reviewer scored)."""
    with unit_of_work(sessions) as session:
        result = predict_score(session, answer_id, user_id, score, now)
        session.commit()
    return result


def rate(
    sessions: SessionFactory, assignment_id: int, user_id: str, helpful: bool, now: datetime
) -> Rating:
    """Helpful / Not really on a review, once per review and author."""
    with unit_of_work(sessions) as session:
        result = rate_review(session, assignment_id, user_id, helpful, now)
        session.commit()
    return result


def add_word(sessions: SessionFactory, assignment_id: int, user_id: str, word: str) -> bool:
    """The optional word after a rating (once)."""
    with unit_of_work(sessions) as session:
        added = add_rating_word(session, assignment_id, user_id, word)
        session.commit()
    return added
