"""`/practice forget-me`: erase what is a person's, anonymise what others' results need."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot import models as tables
from bot.practice.privacy.marks import mark_forgotten
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
    settings: int = 0  # their settings, away periods, target interview and its DMs
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
                self.settings,
            )
        )


def new_token() -> str:
    return f"forgotten-{secrets.token_hex(5)}"


def forget_user(session: Session, team_id: str, user_id: str, now: datetime) -> ForgetReport:
    """Erase or anonymise everything about `user_id` in `team_id`. The caller commits.

    What stays is a mark (a hash and `now`) so their older replies are never stored again
    (`marks.py`)."""
    report = ForgetReport(token=new_token())
    report.affected_weeks = _affected_weeks(session, team_id, user_id)
    report.bot_messages = _bot_messages(session, team_id, user_id)
    _erase_practice(session, team_id, user_id, report)
    _anonymise_mocks(session, team_id, user_id, report)
    report.settings = sum(
        _count(session, delete(model).where(model.team_id == team_id, model.user_id == user_id))
        for model in (
            tables.MemberSettings,
            tables.AwayPeriod,
            tables.InterviewGoal,
            tables.GoalMessage,
            tables.DrillAnswer,
        )
    )
    # Drill reviews they gave stay the authors' results, under the token (as mocks do).
    session.execute(
        update(tables.DrillAnswer)
        .where(tables.DrillAnswer.team_id == team_id, tables.DrillAnswer.reviewer_id == user_id)
        .values(reviewer_id=report.token)
    )
    mark_forgotten(session, team_id, user_id, now)
    session.flush()
    return report


def _affected_weeks(session: Session, team_id: str, user_id: str) -> list[tuple[str, date]]:
    """Weeks whose leaderboards change: those of posts they answered or reviewed."""
    touched = session.execute(
        select(tables.Channel.channel_id, tables.PromptPost.local_date)
        .join(tables.PromptPost, tables.PromptPost.channel_pk == tables.Channel.id)
        .where(
            tables.Channel.team_id == team_id,
            or_(
                tables.PromptPost.id.in_(
                    select(tables.Answer.post_id).where(tables.Answer.user_id == user_id)
                ),
                tables.PromptPost.id.in_(
                    select(tables.ReviewAssignment.post_id).where(
                        tables.ReviewAssignment.reviewer_id == user_id
                    )
                ),
            ),
        )
    )
    weeks = {(cid, day - timedelta(days=day.weekday())) for cid, day in touched}
    return sorted(weeks)


def _bot_messages(session: Session, team_id: str, user_id: str) -> list[tuple[str, str]]:
    """Challenges they wrote, posted by the bot in threads: the caller may delete them."""
    return [
        (channel_id, ts)
        for channel_id, ts in session.execute(
            select(tables.Channel.channel_id, tables.Challenge.message_ts)
            .join(
                tables.ReviewAssignment,
                tables.ReviewAssignment.id == tables.Challenge.assignment_id,
            )
            .join(tables.PromptPost, tables.PromptPost.id == tables.ReviewAssignment.post_id)
            .join(tables.Channel, tables.Channel.id == tables.PromptPost.channel_pk)
            .where(
                tables.Channel.team_id == team_id,
                tables.ReviewAssignment.reviewer_id == user_id,
                tables.Challenge.message_ts.is_not(None),
            )
        )
        if ts
    ]


def _erase_practice(session: Session, team_id: str, user_id: str, report: ForgetReport) -> None:
    """Their reviews, votes, replies and opt-ins deleted; their answers anonymised."""
    posts = team_posts(team_id)
    their_assignments = select(tables.ReviewAssignment.id).where(
        tables.ReviewAssignment.post_id.in_(posts), tables.ReviewAssignment.reviewer_id == user_id
    )
    report.challenges = _count(
        session,
        delete(tables.Challenge).where(tables.Challenge.assignment_id.in_(their_assignments)),
    )
    report.votes = _count(
        session,
        delete(tables.Vote).where(
            tables.Vote.reviewer_id == user_id,
            tables.Vote.answer_id.in_(
                select(tables.Answer.id).where(tables.Answer.post_id.in_(posts))
            ),
        ),
    )
    # Their scores of sample answers (calibration) are scores too.
    report.votes += _count(
        session,
        delete(tables.CalibrationScore).where(
            tables.CalibrationScore.reviewer_id == user_id,
            tables.CalibrationScore.channel_pk.in_(
                select(tables.Channel.id).where(tables.Channel.team_id == team_id)
            ),
        ),
    )
    _erase_review_feedback(session, posts, user_id, report.token)
    report.reviews = _count(
        session,
        delete(tables.ReviewAssignment).where(tables.ReviewAssignment.id.in_(their_assignments)),
    )
    report.thread_messages = _count(
        session,
        delete(tables.ThreadMessage).where(
            tables.ThreadMessage.post_id.in_(posts), tables.ThreadMessage.user_id == user_id
        ),
    )
    report.answers = _count(
        session,
        update(tables.Answer)
        .where(tables.Answer.post_id.in_(posts), tables.Answer.user_id == user_id)
        .values(user_id=report.token, text="", withdrawn=True, edited_at=None),
    )
    team_channels = select(tables.Channel.id).where(tables.Channel.team_id == team_id)
    report.opt_ins = _count(
        session,
        delete(tables.ReviewerOptIn).where(
            tables.ReviewerOptIn.user_id == user_id,
            tables.ReviewerOptIn.channel_pk.in_(team_channels),
        ),
    )
    for column in (tables.Channel.creator_id, tables.Channel.enrolled_by):
        session.execute(
            update(tables.Channel)
            .where(tables.Channel.team_id == team_id, column == user_id)
            .values({column: None})
        )


def _erase_review_feedback(session: Session, posts: Any, user_id: str, token: str) -> None:
    """Their ratings of reviews, stand-in offers and predictions are deleted; a review they
    took over keeps its result under the token."""
    post_assignments = select(tables.ReviewAssignment.id).where(
        tables.ReviewAssignment.post_id.in_(posts)
    )
    for table, column in (
        (tables.ReviewRating, tables.ReviewRating.author_id),
        (tables.StandinOffer, tables.StandinOffer.user_id),
    ):
        session.execute(
            delete(table).where(column == user_id, table.assignment_id.in_(post_assignments))
        )
    session.execute(
        update(tables.ReviewAssignment)
        .where(
            tables.ReviewAssignment.post_id.in_(posts),
            tables.ReviewAssignment.passed_to == user_id,
        )
        .values(passed_to=token)
    )
    session.execute(  # their guesses at their own scores go with their answers' text
        update(tables.Answer)
        .where(tables.Answer.post_id.in_(posts), tables.Answer.user_id == user_id)
        .values(predicted_score=None, predicted_at=None)
    )


def _anonymise_mocks(session: Session, team_id: str, user_id: str, report: ForgetReport) -> None:
    """Waiting requests deleted; matches keep the partner's results under the token."""
    token = report.token
    report.mock_requests = _count(
        session,
        delete(tables.MockRequest).where(
            tables.MockRequest.team_id == team_id, tables.MockRequest.user_id == user_id
        ),
    )
    match_ids = list(
        session.scalars(
            select(tables.MockMatch.id).where(
                tables.MockMatch.team_id == team_id, in_match(user_id)
            )
        )
    )
    _forget_mock_standing(session, team_id, user_id, match_ids, token)
    report.mock_matches = len(match_ids)
    if not match_ids:
        return
    for column in (
        tables.MockMatch.user_a,
        tables.MockMatch.user_b,
        tables.MockMatch.candidate_id,
        tables.MockMatch.interviewer_id,
    ):
        session.execute(
            update(tables.MockMatch)
            .where(tables.MockMatch.id.in_(match_ids), column == user_id)
            .values({column: token})
        )
    session.execute(
        update(tables.MockMatch)
        .where(tables.MockMatch.id.in_(match_ids), tables.MockMatch.status == "live")
        .values(status="done")
    )
    for column in (tables.MockScore.candidate_id, tables.MockScore.interviewer_id):
        report.mock_scores += _count(
            session,
            update(tables.MockScore)
            .where(tables.MockScore.match_id.in_(match_ids), column == user_id)
            .values({column: token}),
        )
    for column in (tables.MockRound.candidate_id, tables.MockRound.interviewer_id):
        session.execute(
            update(tables.MockRound)
            .where(tables.MockRound.match_id.in_(match_ids), column == user_id)
            .values({column: token})
        )
    # A rating's comment is free text the user may have written or been named in.
    for column in (tables.MockRating.rater_id, tables.MockRating.interviewer_id):
        session.execute(
            update(tables.MockRating)
            .where(tables.MockRating.match_id.in_(match_ids), column == user_id)
            .values({column: token, tables.MockRating.comment: None})
        )


def _forget_mock_standing(
    session: Session, team_id: str, user_id: str, match_ids: list[int], token: str
) -> None:
    """Their pause or place deleted; their check-ins and DM claims kept under the token (the
    partner's record still counts them)."""
    session.execute(
        delete(tables.MockStanding).where(
            tables.MockStanding.team_id == team_id, tables.MockStanding.user_id == user_id
        )
    )
    for table in (tables.MockCheckIn, tables.MockNotice):
        session.execute(
            update(table)
            .where(table.match_id.in_(match_ids), table.user_id == user_id)
            .values(user_id=token)
        )


def _count(session: Session, statement: Any) -> int:
    return len(session.execute(statement.returning(statement.table.c[_pk(statement)])).all())


def _pk(statement: Any) -> str:
    return next(iter(statement.table.primary_key.columns)).name
