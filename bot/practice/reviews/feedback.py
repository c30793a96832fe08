"""What authors do with their reviews: predict their own score, see scores early (give to
get), rate how helpful each review was. None of it changes anyone's points. Nothing here
commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import affected, insert_for
from bot.models import Answer, Challenge, Channel, PromptPost, ReviewAssignment, ReviewRating, Vote
from bot.practice.reviews.notices import PostRef, post_ref
from bot.practice.reviews.queries import answer_live
from bot.practice.schedule import week_start
from bot.practice.scoring import rules_for

MAX_WORD_CHARS = 150

FEEDBACK_REFUSALS = {
    "not-found": "That answer or review no longer exists. Nothing was changed.",
    "not-yours": "Only the answer's author can do that. Nothing was changed.",
    "scored": (
        "A reviewer has already scored this answer, so a prediction now would not be a "
        "prediction. Nothing was changed."
    ),
    "closed": "Reviews for this prompt have closed. Nothing was changed.",
    "withdrawn": "This answer was withdrawn. Nothing was changed.",
    "bad-score": "Predictions go from 1 to 5.",
}


@dataclass(frozen=True)
class Prediction:
    refusal: str | None = None  # a key of FEEDBACK_REFUSALS
    score: int | None = None  # what is stored (an earlier one when `already`)
    already: bool = False

    @property
    def message(self) -> str:
        return FEEDBACK_REFUSALS.get(self.refusal or "", "")


def predict_score(
    session: Session, answer_id: int, user_id: str, score: int, now: datetime
) -> Prediction:
    """The author's one prediction of their mean score, before any reviewer has scored."""
    if not 1 <= score <= 5:
        return Prediction("bad-score")
    row = session.execute(
        select(Answer, PromptPost)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(Answer.id == answer_id)
    ).one_or_none()
    if row is None:
        return Prediction("not-found")
    answer, post = row
    if answer.user_id != user_id:
        return Prediction("not-yours")
    if answer.predicted_score is not None:
        return Prediction(score=answer.predicted_score, already=True)
    if answer.withdrawn:
        return Prediction("withdrawn")
    if post.closed_at is not None or now >= post.reviews_close_at:
        return Prediction("closed")
    if session.scalar(select(Vote.id).where(Vote.answer_id == answer_id).limit(1)) is not None:
        return Prediction("scored")
    if not affected(
        session,
        update(Answer)
        .where(Answer.id == answer_id, Answer.predicted_score.is_(None))
        .values(predicted_score=score, predicted_at=now),
    ):
        session.refresh(answer)
        return Prediction(score=answer.predicted_score, already=True)
    return Prediction(score=score)


@dataclass(frozen=True)
class Rating:
    refusal: str | None = None
    helpful: bool | None = None  # what is stored (an earlier rating when `already`)
    already: bool = False
    reviewer: str = ""

    @property
    def message(self) -> str:
        return FEEDBACK_REFUSALS.get(self.refusal or "", "")


def rate_review(
    session: Session, assignment_id: int, author: str, helpful: bool, now: datetime
) -> Rating:
    """The author's Helpful / Not really on one review: once per review (a second click, or a
    replay, keeps the first)."""
    row = session.execute(
        select(ReviewAssignment.reviewer_id, Answer.user_id)
        .join(Answer, Answer.id == ReviewAssignment.answer_id)
        .where(ReviewAssignment.id == assignment_id)
    ).one_or_none()
    if row is None:
        return Rating("not-found")
    reviewer, owner = row
    if owner != author:
        return Rating("not-yours")
    insert = insert_for(session)
    stored = session.scalar(
        insert(ReviewRating)
        .values(assignment_id=assignment_id, author_id=author, helpful=helpful, created_at=now)
        .on_conflict_do_nothing(index_elements=["assignment_id"])
        .returning(ReviewRating.id)
    )
    if stored is None:
        earlier = session.scalar(
            select(ReviewRating.helpful).where(ReviewRating.assignment_id == assignment_id)
        )
        return Rating(helpful=earlier, already=True, reviewer=reviewer)
    return Rating(helpful=helpful, reviewer=reviewer)


def add_rating_word(session: Session, assignment_id: int, author: str, word: str) -> bool:
    """The optional word with a rating, once; False when there is no rating of theirs or it
    already has one."""
    text = " ".join(word.split())[:MAX_WORD_CHARS]
    if not text:
        return False
    return affected(
        session,
        update(ReviewRating)
        .where(
            ReviewRating.assignment_id == assignment_id,
            ReviewRating.author_id == author,
            ReviewRating.word.is_(None),
        )
        .values(word=text),
    )


@dataclass(frozen=True)
class Helpfulness:
    helpful: int
    rated: int
    words: tuple[str, ...] = ()  # the latest few words authors left


def helpfulness(session: Session, channel: Channel, user_id: str, since: datetime) -> Helpfulness:
    """How authors rated the user's reviews in the channel since `since`."""
    rows = session.execute(
        select(ReviewRating.helpful, ReviewRating.word)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewRating.assignment_id)
        .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
        .where(
            PromptPost.channel_pk == channel.id,
            ReviewAssignment.reviewer_id == user_id,
            ReviewRating.created_at >= since,
        )
        .order_by(ReviewRating.created_at.desc(), ReviewRating.id.desc())
    ).all()
    words = tuple(w for helpful, w in rows if helpful and w)[:3]
    return Helpfulness(sum(1 for helpful, _ in rows if helpful), len(rows), words)


@dataclass(frozen=True)
class OwnAnswer:
    """The member's answer on a prompt still under review: their prediction and, when give to
    get allows (or is off), the scores so far."""

    answer_id: int
    post: PostRef
    reviews_close_at: datetime
    predicted: int | None
    can_predict: bool
    visible: bool  # the scores so far are shown
    reviews_left: int  # their own reviews on the prompt not scored yet
    mean: float | None  # the scores so far (None: none yet, or hidden)
    scored_by: int


def own_answers(session: Session, team_id: str, user_id: str, now: datetime) -> list[OwnAnswer]:
    """The user's counted answers on prompts whose reviews are open (App Home)."""
    rows = session.execute(
        select(Answer, PromptPost, Channel)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            Channel.team_id == team_id,
            Answer.user_id == user_id,
            Answer.withdrawn.is_(False),
            Answer.late.is_(False),
            PromptPost.closed_at.is_(None),
            PromptPost.reviews_close_at > now,
        )
        .order_by(PromptPost.reviews_close_at, Answer.id)
    ).all()
    return [answer_progress(session, a, p, c) for a, p, c in rows if a.text.strip()]


def answer_progress(
    session: Session, answer: Answer, post: PromptPost, channel: Channel
) -> OwnAnswer:
    """Give to get: the scores so far are shown once the author's own reviews on the prompt
    are all scored (or passed to a stand-in), or always when the channel turned it off."""
    left = int(
        session.scalar(
            select(func.count()).where(
                ReviewAssignment.post_id == post.id,
                ReviewAssignment.reviewer_id == answer.user_id,
                ReviewAssignment.scored_at.is_(None),
                ReviewAssignment.passed_to.is_(None),
                answer_live(),  # a withdrawn answer owes its reviewers nothing
            )
        )
        or 0
    )
    visible = not rules_for(channel).give_to_get or left == 0
    mean, reviewers = session.execute(
        select(func.avg(Vote.score), func.count(Vote.reviewer_id.distinct())).where(
            Vote.answer_id == answer.id
        )
    ).one()
    return OwnAnswer(
        answer.id,
        post_ref(post, channel),
        post.reviews_close_at,
        answer.predicted_score,
        answer.predicted_score is None and not reviewers,
        visible,
        left,
        round(float(mean), 2) if visible and mean is not None else None,
        int(reviewers or 0),
    )


def reviewed(session: Session, answer_id: int) -> list[tuple[int, str]]:
    """(assignment id, reviewer) of the answer's reviews an author can rate: scored or with a
    challenge posted."""
    challenged = select(Challenge.assignment_id).where(Challenge.message_ts.is_not(None))
    return [
        (aid, reviewer)
        for aid, reviewer in session.execute(
            select(ReviewAssignment.id, ReviewAssignment.reviewer_id)
            .where(
                ReviewAssignment.answer_id == answer_id,
                (ReviewAssignment.scored_at.is_not(None)) | ReviewAssignment.id.in_(challenged),
            )
            .order_by(ReviewAssignment.reviewer_id)
        )
    ]


@dataclass(frozen=True)
class PredictionWeek:
    monday: date
    predicted: float  # the mean of the week's predictions
    scored: float  # the reviewers' mean on the same answers
    answers: int

    @property
    def gap(self) -> float:
        """Reviewers minus self: positive when the member sold themselves short."""
        return self.scored - self.predicted


def prediction_weeks(
    session: Session, channel: Channel, user_id: str, since: date
) -> list[PredictionWeek]:
    """Per week from `since`, the user's predictions against their reviewers' means (answers
    with both only), oldest first: the gap shrinking is their judgement improving."""
    rows = session.execute(
        select(PromptPost.local_date, Answer.predicted_score, func.avg(Vote.score))
        .join(Answer, Answer.post_id == PromptPost.id)
        .join(Vote, Vote.answer_id == Answer.id)
        .where(
            PromptPost.channel_pk == channel.id,
            PromptPost.local_date >= since,
            Answer.user_id == user_id,
            Answer.predicted_score.is_not(None),
            Answer.withdrawn.is_(False),
        )
        .group_by(Answer.id, PromptPost.local_date, Answer.predicted_score)
    ).all()
    weeks: dict[date, list[tuple[float, float]]] = {}
    for day, predicted, mean in rows:
        weeks.setdefault(week_start(day), []).append((float(predicted), float(mean)))
    return [
        PredictionWeek(
            monday,
            sum(p for p, _ in pairs) / len(pairs),
            sum(m for _, m in pairs) / len(pairs),
            len(pairs),
        )
        for monday, pairs in sorted(weeks.items())
    ]


def unlocked_answer(session: Session, post_id: int, user_id: str) -> OwnAnswer | None:
    """The user's answer on the post when give to get is on and their reviews there are now
    all done (its scores so far are theirs to see); else None."""
    row = session.execute(
        select(Answer, PromptPost, Channel)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            Answer.post_id == post_id,
            Answer.user_id == user_id,
            Answer.withdrawn.is_(False),
            Answer.late.is_(False),
        )
    ).one_or_none()
    if row is None or not rules_for(row[2]).give_to_get:
        return None
    own = answer_progress(session, *row)
    return own if own.reviews_left == 0 else None
