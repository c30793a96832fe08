"""`/practice export`: every row about a person in one workspace, as JSON-ready data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    AwayPeriod,
    CalibrationScore,
    Challenge,
    Channel,
    DrillAnswer,
    InterviewGoal,
    MemberSettings,
    MockCheckIn,
    MockMatch,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
    PromptPost,
    ReviewAssignment,
    ReviewerOptIn,
    ReviewRating,
    StandinOffer,
    ThreadMessage,
    Vote,
)
from bot.practice.answers import ANSWER_COLUMNS
from bot.practice.privacy.scope import in_match, team_posts

EXPORT_VERSION = 1


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, *columns: str) -> dict[str, Any]:
    return {c: _iso(getattr(obj, c)) for c in columns}


def export_user(session: Session, team_id: str, user_id: str) -> dict[str, Any]:
    """Everything stored about `user_id` in workspace `team_id`, as JSON-ready data."""
    posts = team_posts(team_id)
    channels = {c.id: c for c in session.scalars(select(Channel).where(Channel.team_id == team_id))}
    assignments = list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.post_id.in_(posts), ReviewAssignment.reviewer_id == user_id)
            .order_by(ReviewAssignment.assigned_at)
        )
    )
    return {
        "format": "practice-bot export",
        "version": EXPORT_VERSION,
        "team_id": team_id,
        "user_id": user_id,
        "channels_created_or_enrolled": [
            {"channel_id": c.channel_id, "name": c.name, "enrolled_at": _iso(c.enrolled_at)}
            for c in channels.values()
            if user_id in (c.creator_id, c.enrolled_by)
        ],
        "reviewer_opt_ins": _opt_ins(session, channels, user_id),
        "answers": _answers(session, channels, posts, user_id),
        "thread_replies": [
            _row(m, "post_id", "ts", "text", "edited_at", "deleted")
            for m in session.scalars(
                select(ThreadMessage)
                .where(ThreadMessage.post_id.in_(posts), ThreadMessage.user_id == user_id)
                .order_by(ThreadMessage.ts)
            )
        ],
        "reviews_given": [_review_given(session, a, user_id) for a in assignments],
        "votes_without_assignment": _loose_votes(session, posts, assignments, user_id),
        "calibration_scores": _calibration_scores(session, team_id, user_id),
        **_review_feedback(session, posts, user_id),
        "mock_requests": [
            _row(r, "note", "tz", "picks", "created_at", "expires_at", "status", "match_id")
            for r in session.scalars(
                select(MockRequest)
                .where(MockRequest.team_id == team_id, MockRequest.user_id == user_id)
                .order_by(MockRequest.created_at)
            )
        ],
        **_own_settings(session, team_id, user_id),
        "mock_matches": [
            _mock_match(session, m, user_id)
            for m in session.scalars(
                select(MockMatch)
                .where(MockMatch.team_id == team_id, in_match(user_id))
                .order_by(MockMatch.created_at)
            )
        ],
    }


def _own_settings(session: Session, team_id: str, user_id: str) -> dict[str, Any]:
    """Their settings, away periods and target interview (issue 25)."""
    return {
        "settings": [
            _row(s, "tz", "quiet_start", "quiet_end", "reminders", "listed", "updated_at")
            for s in session.scalars(
                select(MemberSettings).where(
                    MemberSettings.team_id == team_id, MemberSettings.user_id == user_id
                )
            )
        ],
        "away": [
            _row(a, "first", "last")
            for a in session.scalars(
                select(AwayPeriod)
                .where(AwayPeriod.team_id == team_id, AwayPeriod.user_id == user_id)
                .order_by(AwayPeriod.first)
            )
        ],
        "target_interview": [
            _row(g, "interview_on", "pack_id", "company", "note", "weekly_plan", "updated_at")
            for g in session.scalars(
                select(InterviewGoal).where(
                    InterviewGoal.team_id == team_id, InterviewGoal.user_id == user_id
                )
            )
        ],
        "drill_answers": [
            _row(d, "prompt_id", "text", "answered_at", "review_asked_at", "scores", "challenge")
            for d in session.scalars(
                select(DrillAnswer)
                .where(DrillAnswer.team_id == team_id, DrillAnswer.user_id == user_id)
                .order_by(DrillAnswer.answered_at)
            )
        ],
    }


def _review_feedback(session: Session, posts: Any, user_id: str) -> dict[str, Any]:
    """Their ratings of the reviews they received, and the stand-in offers made to them."""
    of_posts = select(ReviewAssignment.id).where(ReviewAssignment.post_id.in_(posts))
    return {
        "review_ratings_given": [
            _row(r, "assignment_id", "helpful", "word", "created_at")
            for r in session.scalars(
                select(ReviewRating)
                .where(ReviewRating.assignment_id.in_(of_posts), ReviewRating.author_id == user_id)
                .order_by(ReviewRating.created_at)
            )
        ],
        "standin_offers": [
            _row(o, "assignment_id", "created_at", "sent_at")
            for o in session.scalars(
                select(StandinOffer)
                .where(StandinOffer.assignment_id.in_(of_posts), StandinOffer.user_id == user_id)
                .order_by(StandinOffer.id)
            )
        ],
    }


def _opt_ins(session: Session, channels: dict[int, Channel], user_id: str) -> list[dict[str, Any]]:
    return [
        {
            "channel_id": channels[o.channel_pk].channel_id,
            "active": o.active,
            "updated_at": _iso(o.updated_at),
        }
        for o in session.scalars(
            select(ReviewerOptIn).where(
                ReviewerOptIn.user_id == user_id,
                ReviewerOptIn.channel_pk.in_(list(channels)),
            )
        )
    ]


def _answers(
    session: Session, channels: dict[int, Channel], posts: Any, user_id: str
) -> list[dict[str, Any]]:
    """The user's answers, each with the scores and challenges it received."""
    rows = session.execute(
        select(Answer, PromptPost)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(Answer.post_id.in_(posts), Answer.user_id == user_id)
        .order_by(Answer.answered_at)
    )
    return [
        {
            "channel_id": channels[post.channel_pk].channel_id,
            "date": post.local_date.isoformat(),
            "prompt": post.prompt.get("title") or post.prompt_id,
            **_row(answer, "id", *ANSWER_COLUMNS, "predicted_score", "predicted_at"),
            "scores_received": [
                {"criterion": criterion, "score": score}
                for criterion, score in session.execute(
                    select(Vote.criterion, Vote.score)
                    .where(Vote.answer_id == answer.id)
                    .order_by(Vote.criterion, Vote.id)
                )
            ],
            "challenges_received": list(
                session.scalars(
                    select(Challenge.text)
                    .join(ReviewAssignment, ReviewAssignment.id == Challenge.assignment_id)
                    .where(ReviewAssignment.answer_id == answer.id)
                    .order_by(Challenge.created_at)
                )
            ),
        }
        for answer, post in rows
    ]


def _review_given(session: Session, a: ReviewAssignment, user_id: str) -> dict[str, Any]:
    return {
        **_row(
            a, "answer_id", "source", "assigned_at", "scored_at", "comment", "missed", "passed_to"
        ),
        "rated_helpful": session.scalar(
            select(ReviewRating.helpful).where(ReviewRating.assignment_id == a.id)
        ),
        "scores": [
            {"criterion": criterion, "score": score}
            for criterion, score in session.execute(
                select(Vote.criterion, Vote.score)
                .where(Vote.answer_id == a.answer_id, Vote.reviewer_id == user_id)
                .order_by(Vote.criterion)
            )
        ],
        "challenges": [
            _row(c, "text", "created_at", "message_ts")
            for c in session.scalars(
                select(Challenge)
                .where(Challenge.assignment_id == a.id)
                .order_by(Challenge.created_at)
            )
        ],
    }


def _loose_votes(
    session: Session, posts: Any, assignments: list[ReviewAssignment], user_id: str
) -> list[dict[str, Any]]:
    """Votes the user gave on answers they were not (or no longer) assigned to."""
    assignment_ids = [a.id for a in assignments]
    return [
        _row(v, "answer_id", "criterion", "score", "updated_at")
        for v in session.scalars(
            select(Vote)
            .join(Answer, Answer.id == Vote.answer_id)
            .where(
                Answer.post_id.in_(posts),
                Vote.reviewer_id == user_id,
                Vote.answer_id.not_in(
                    select(ReviewAssignment.answer_id).where(
                        ReviewAssignment.id.in_(assignment_ids or [-1])
                    )
                ),
            )
        )
    ]


MATCH_COLUMNS = (
    "slot_start",
    "slot_end",
    "id",
    "user_a",
    "user_b",
    "created_at",
    "prompt_id",
    "round",
    "candidate_id",
    "interviewer_id",
    "status",
)


def _mock_match(session: Session, m: MockMatch, user_id: str) -> dict[str, Any]:
    return {
        **_row(m, *MATCH_COLUMNS),
        "scores": [
            _row(s, "round", "candidate_id", "interviewer_id", "criterion", "score")
            for s in session.scalars(
                select(MockScore)
                .where(MockScore.match_id == m.id)
                .order_by(MockScore.round, MockScore.criterion)
            )
        ],
        "rounds": [
            _row(r, "round", "candidate_id", "interviewer_id", "prompt_id", "started_at")
            for r in session.scalars(
                select(MockRound).where(MockRound.match_id == m.id).order_by(MockRound.round)
            )
        ],
        "check_ins": [
            _row(c, "user_id", "outcome", "created_at")
            for c in session.scalars(
                select(MockCheckIn)
                .where(MockCheckIn.match_id == m.id, MockCheckIn.user_id == user_id)
                .order_by(MockCheckIn.id)
            )
        ],
        "ratings": [
            _row(r, "round", "rater_id", "interviewer_id", "score", "comment")
            for r in session.scalars(
                select(MockRating)
                .where(MockRating.match_id == m.id, MockRating.rater_id == user_id)
                .order_by(MockRating.round)
            )
        ],
    }


def _calibration_scores(session: Session, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """Scores the user gave the pack's sample answers (calibration)."""
    return [
        _row(c, "pack_id", "prompt_id", "level", "criterion", "score", "reference", "updated_at")
        for c in session.scalars(
            select(CalibrationScore)
            .join(Channel, Channel.id == CalibrationScore.channel_pk)
            .where(Channel.team_id == team_id, CalibrationScore.reviewer_id == user_id)
            .order_by(CalibrationScore.id)
        )
    ]
