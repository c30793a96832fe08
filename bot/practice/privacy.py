"""What the bot stores about a person: export it all, or forget them (docs/privacy.md).

`export_user` gathers every row about a user in one workspace. `forget_user` erases what is
theirs and anonymises what other people's results depend on:

| data | on forget-me |
|---|---|
| thread replies (`thread_messages`) | deleted |
| answers | text erased, author replaced by an anonymous token, marked withdrawn: the answer
  leaves the leaderboard, while the reviews others did on it keep counting for them |
| votes they gave | deleted; the answers' scores are recomputed from the remaining votes (the
  leaderboard is computed from the tables on every request) |
| review assignments as reviewer, their challenges | deleted (the challenge messages the bot
  posted in threads are returned so the caller can delete them from Slack) |
| reviewer opt-ins, waiting or past mock requests | deleted |
| mock matches, rounds' scores | their user id replaced by the anonymous token, so the
  partner's mock results stay as they were; a live match is ended |
| channels they created or enrolled | that reference cleared |

The token is random (`forgotten-` + 10 hex digits), the same for all rows of one forget-me,
and not derived from the user id, so it cannot be reversed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    CalibrationScore,
    Challenge,
    Channel,
    MockMatch,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
    PromptPost,
    ReviewAssignment,
    ReviewerOptIn,
    ThreadMessage,
    Vote,
)

EXPORT_VERSION = 1


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, *columns: str) -> dict[str, Any]:
    return {c: _iso(getattr(obj, c)) for c in columns}


def _team_posts(team_id: str) -> Any:
    return (
        select(PromptPost.id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(Channel.team_id == team_id)
    )


def export_user(session: Session, team_id: str, user_id: str) -> dict[str, Any]:
    """Everything stored about `user_id` in workspace `team_id`, as JSON-ready data."""
    posts = _team_posts(team_id)
    channels = {c.id: c for c in session.scalars(select(Channel).where(Channel.team_id == team_id))}
    answers = list(
        session.execute(
            select(Answer, PromptPost)
            .join(PromptPost, PromptPost.id == Answer.post_id)
            .where(Answer.post_id.in_(posts), Answer.user_id == user_id)
            .order_by(Answer.answered_at)
        )
    )
    assignments = list(
        session.execute(
            select(ReviewAssignment, Answer.post_id)
            .join(Answer, Answer.id == ReviewAssignment.answer_id)
            .where(ReviewAssignment.post_id.in_(posts), ReviewAssignment.reviewer_id == user_id)
            .order_by(ReviewAssignment.assigned_at)
        )
    )
    assignment_ids = [a.id for a, _ in assignments]
    matches = list(
        session.scalars(
            select(MockMatch)
            .where(MockMatch.team_id == team_id, _in_match(user_id))
            .order_by(MockMatch.created_at)
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
        "reviewer_opt_ins": [
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
        ],
        "answers": [
            {
                "channel_id": channels[post.channel_pk].channel_id,
                "date": post.local_date.isoformat(),
                "prompt": post.prompt.get("title") or post.prompt_id,
                **_row(
                    answer,
                    "id",
                    "message_ts",
                    "text",
                    "answered_at",
                    "edited_at",
                    "followups",
                    "withdrawn",
                    "late",
                ),
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
            for answer, post in answers
        ],
        "thread_replies": [
            _row(m, "post_id", "ts", "text", "edited_at", "deleted")
            for m in session.scalars(
                select(ThreadMessage)
                .where(ThreadMessage.post_id.in_(posts), ThreadMessage.user_id == user_id)
                .order_by(ThreadMessage.ts)
            )
        ],
        "reviews_given": [
            {
                **_row(
                    a,
                    "answer_id",
                    "source",
                    "assigned_at",
                    "scored_at",
                    "comment",
                    "missed",
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
            for a, _ in assignments
        ],
        "votes_without_assignment": [
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
        ],
        "calibration_scores": [
            _row(
                c, "pack_id", "prompt_id", "level", "criterion", "score", "reference", "updated_at"
            )
            for c in session.scalars(
                select(CalibrationScore)
                .join(Channel, Channel.id == CalibrationScore.channel_pk)
                .where(Channel.team_id == team_id, CalibrationScore.reviewer_id == user_id)
                .order_by(CalibrationScore.id)
            )
        ],
        "mock_requests": [
            _row(r, "note", "created_at", "expires_at", "status", "match_id")
            for r in session.scalars(
                select(MockRequest)
                .where(MockRequest.team_id == team_id, MockRequest.user_id == user_id)
                .order_by(MockRequest.created_at)
            )
        ],
        "mock_matches": [
            {
                **_row(
                    m,
                    "id",
                    "user_a",
                    "user_b",
                    "created_at",
                    "prompt_id",
                    "round",
                    "candidate_id",
                    "interviewer_id",
                    "status",
                ),
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
                        select(MockRound)
                        .where(MockRound.match_id == m.id)
                        .order_by(MockRound.round)
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
            for m in matches
        ],
    }


def _in_match(user_id: str) -> Any:
    return or_(
        MockMatch.user_a == user_id,
        MockMatch.user_b == user_id,
        MockMatch.candidate_id == user_id,
        MockMatch.interviewer_id == user_id,
    )


@dataclass
class ForgetReport:
    token: str
    thread_messages: int = 0
    answers: int = 0
    votes: int = 0
    reviews: int = 0
    challenges: int = 0
    opt_ins: int = 0
    mock_requests: int = 0
    mock_matches: int = 0
    mock_scores: int = 0
    # Bot messages that carried the user's words (their challenges): (channel id, ts).
    bot_messages: list[tuple[str, str]] = field(default_factory=list)
    # Channel and Monday of each week whose leaderboard changes (computed on the fly; posted
    # leaderboard messages are history and are not edited).
    affected_weeks: list[tuple[str, date]] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return any(
            (
                self.thread_messages,
                self.answers,
                self.votes,
                self.reviews,
                self.mock_requests,
                self.mock_matches,
                self.opt_ins,
            )
        )


def new_token() -> str:
    return f"forgotten-{secrets.token_hex(5)}"


def forget_user(session: Session, team_id: str, user_id: str, now: datetime) -> ForgetReport:
    """Erase or anonymise everything about `user_id` in `team_id`. The caller commits.

    `now` is unused today; it is there, as on every domain function, for what acts on time
    (e.g. a future audit row).
    """
    report = ForgetReport(token=new_token())
    token = report.token
    posts = _team_posts(team_id)

    # Weeks whose leaderboards change: those of posts they answered or reviewed.
    touched = session.execute(
        select(Channel.channel_id, PromptPost.local_date)
        .join(PromptPost, PromptPost.channel_pk == Channel.id)
        .where(
            Channel.team_id == team_id,
            or_(
                PromptPost.id.in_(select(Answer.post_id).where(Answer.user_id == user_id)),
                PromptPost.id.in_(
                    select(ReviewAssignment.post_id).where(ReviewAssignment.reviewer_id == user_id)
                ),
            ),
        )
    )
    weeks = {(cid, day - timedelta(days=day.weekday())) for cid, day in touched}
    report.affected_weeks = sorted(weeks)

    # Challenges they wrote, posted by the bot in threads: the caller may delete them.
    report.bot_messages = [
        (channel_id, ts)
        for channel_id, ts in session.execute(
            select(Channel.channel_id, Challenge.message_ts)
            .join(ReviewAssignment, ReviewAssignment.id == Challenge.assignment_id)
            .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
            .join(Channel, Channel.id == PromptPost.channel_pk)
            .where(
                Channel.team_id == team_id,
                ReviewAssignment.reviewer_id == user_id,
                Challenge.message_ts.is_not(None),
            )
        )
        if ts
    ]
    their_assignments = select(ReviewAssignment.id).where(
        ReviewAssignment.post_id.in_(posts), ReviewAssignment.reviewer_id == user_id
    )
    report.challenges = _count(
        session,
        delete(Challenge).where(Challenge.assignment_id.in_(their_assignments)),
    )
    report.votes = _count(
        session,
        delete(Vote).where(
            Vote.reviewer_id == user_id,
            Vote.answer_id.in_(select(Answer.id).where(Answer.post_id.in_(posts))),
        ),
    )
    # Their scores of sample answers (calibration) are scores too.
    report.votes += _count(
        session,
        delete(CalibrationScore).where(
            CalibrationScore.reviewer_id == user_id,
            CalibrationScore.channel_pk.in_(select(Channel.id).where(Channel.team_id == team_id)),
        ),
    )
    report.reviews = _count(
        session,
        delete(ReviewAssignment).where(ReviewAssignment.id.in_(their_assignments)),
    )
    report.thread_messages = _count(
        session,
        delete(ThreadMessage).where(
            ThreadMessage.post_id.in_(posts), ThreadMessage.user_id == user_id
        ),
    )
    report.answers = _count(
        session,
        update(Answer)
        .where(Answer.post_id.in_(posts), Answer.user_id == user_id)
        .values(user_id=token, text="", withdrawn=True, edited_at=None),
    )
    team_channels = select(Channel.id).where(Channel.team_id == team_id)
    report.opt_ins = _count(
        session,
        delete(ReviewerOptIn).where(
            ReviewerOptIn.user_id == user_id, ReviewerOptIn.channel_pk.in_(team_channels)
        ),
    )
    for column in (Channel.creator_id, Channel.enrolled_by):
        session.execute(
            update(Channel)
            .where(Channel.team_id == team_id, column == user_id)
            .values({column: None})
        )

    report.mock_requests = _count(
        session,
        delete(MockRequest).where(MockRequest.team_id == team_id, MockRequest.user_id == user_id),
    )
    match_ids = list(
        session.scalars(
            select(MockMatch.id).where(MockMatch.team_id == team_id, _in_match(user_id))
        )
    )
    report.mock_matches = len(match_ids)
    if match_ids:
        for column in (
            MockMatch.user_a,
            MockMatch.user_b,
            MockMatch.candidate_id,
            MockMatch.interviewer_id,
        ):
            session.execute(
                update(MockMatch)
                .where(MockMatch.id.in_(match_ids), column == user_id)
                .values({column: token})
            )
        session.execute(
            update(MockMatch)
            .where(MockMatch.id.in_(match_ids), MockMatch.status == "live")
            .values(status="done")
        )
        for column in (MockScore.candidate_id, MockScore.interviewer_id):
            report.mock_scores += _count(
                session,
                update(MockScore)
                .where(MockScore.match_id.in_(match_ids), column == user_id)
                .values({column: token}),
            )
        for column in (MockRound.candidate_id, MockRound.interviewer_id):
            session.execute(
                update(MockRound)
                .where(MockRound.match_id.in_(match_ids), column == user_id)
                .values({column: token})
            )
        # A rating's comment is free text the user may have written or been named in.
        for column in (MockRating.rater_id, MockRating.interviewer_id):
            session.execute(
                update(MockRating)
                .where(MockRating.match_id.in_(match_ids), column == user_id)
                .values({column: token, MockRating.comment: None})
            )
    session.flush()
    return report


def _count(session: Session, statement: Any) -> int:
    return len(session.execute(statement.returning(statement.table.c[_pk(statement)])).all())


def _pk(statement: Any) -> str:
    return next(iter(statement.table.primary_key.columns)).name
