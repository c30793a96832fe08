"""`/practice forget-me`: erase what is a person's, anonymise what others' results need."""

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
from bot.practice.privacy.scope import in_match, team_posts


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
    posts = team_posts(team_id)

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
        session.scalars(select(MockMatch.id).where(MockMatch.team_id == team_id, in_match(user_id)))
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
