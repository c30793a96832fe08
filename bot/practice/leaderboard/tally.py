"""The weekly tally: every person's points for one channel and week, ranked with ties."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from math import fsum
from typing import Any

from sqlalchemy import and_, any_, case, exists, func, select
from sqlalchemy.orm import Session

from bot.db import int_array, is_postgres
from bot.models import (
    Answer,
    Challenge,
    Channel,
    PromptPost,
    ReviewAssignment,
    Vote,
)
from bot.practice.leaderboard.mock_rounds import scored_mock_rounds
from bot.practice.leaderboard.votes import (
    person_criteria,
    reviewer_offsets,
    reviewer_weights,
    week_posts_query,
    week_sums,
)
from bot.practice.leaderboard.week import TOP, AnswerLine, MockLine, Row, Week
from bot.practice.schedule import (
    week_bounds_utc,
)
from bot.practice.scoring import (
    ScoringRules,
    answer_points,
    channel_mean,
    exact_points,
    quality_estimate,
    rules_for,
)


def tally_week(
    session: Session,
    channel: Channel,
    monday: date,
    *,
    rules: ScoringRules | None = None,
) -> Week:
    """Every person's points for the channel's Monday-Sunday week starting on `monday`.

    A row's means per criterion (`Row.criteria`, behind its strongest criterion) and its
    answers' reviewer counts (`AnswerLine.reviewers`) are read for the rows a leaderboard
    shows only: the top `TOP` here, and the people a request names (the caller of `/practice
    leaderboard`, the person of `why @name`) with `with_rows_shown`. For all 5,000 rows of a
    large channel they were the tally's largest step; the other rows' `criteria` stay empty,
    their reviewers None.
    """
    rules = rules or rules_for(channel)
    posts = week_posts_query(channel.id, monday)
    post_dates = dict(
        session.execute(
            select(PromptPost.id, PromptPost.local_date).where(PromptPost.id.in_(posts))
        ).all()
    )
    if not post_dates:
        return Week(channel.id, monday, rules, [], {})
    offsets = (
        reviewer_offsets(session, channel.id, monday, rules.bias_window_weeks)
        if rules.bias_correction
        else {}
    )
    votes = _week_votes(session, post_dates)
    weights = (
        reviewer_weights(session, channel.id, monday, rules.bias_window_weeks)
        if rules.weighted_consensus
        else None
    )
    sums = week_sums(session, votes.of_week, offsets, weights)
    per_answer = sums.per_answer
    rows: dict[str, Row] = {}
    _add_answers(rows, votes.answers, per_answer, post_dates, rules.participation)
    _add_reviews(session, sorted(post_dates), rules, rows)
    if rows:
        _add_mock_rounds(session, channel, monday, rules, rows)
    # The channel's mean for the estimates: the week's scored answers (already read), so no
    # extra query over weeks of history.
    counted = [means[1] for means in per_answer.values()]
    prior = channel_mean(rules, fsum(counted), len(counted))  # fsum: the same in any order
    for r in rows.values():
        _finish_row(r, rules, prior)
    ranked = _ranked(rows)
    _add_criteria(session, {r.user_id: r for r in ranked[:TOP]}, offsets)
    criteria = {c: total / count for c, (total, count) in sums.criteria.items()}
    counts = {c: int(count) for c, (_, count) in sums.criteria.items()}
    return Week(channel.id, monday, rules, ranked, criteria, counts, prior, offsets=offsets)


def rows_to_read(week: Week, users: Collection[str]) -> list[Row]:
    """The rows of those of `users` ranked in `week` without their criteria and reviewers."""
    return [
        row
        for user in users
        if (row := week.row(user)) is not None
        and any(line.reviewers is None for line in row.answer_lines)
    ]


def with_rows_shown(session: Session, week: Week, users: Collection[str]) -> Week:
    """`week` with these people's rows in full (criteria, reviewers) wherever they rank, as
    the top rows are. `week` itself is not changed (it may be shared by several requests):
    when a row needs reading, the result is a copy with a new row."""
    unread = {
        row.user_id: replace(row, criteria={}, criterion_counts={})
        for row in rows_to_read(week, users)
    }
    if not unread:
        return week
    _add_criteria(session, unread, week.offsets)
    return replace(week, rows=[unread.get(r.user_id, r) for r in week.rows])


@dataclass(frozen=True)
class _WeekVotes:
    answers: list[Any]  # (id, post_id, user_id, answered_at) of the on-time answers
    of_week: Any  # the condition on votes: of those answers


def _week_votes(session: Session, post_dates: dict[int, date]) -> _WeekVotes:
    # The week's post ids as literal values (a handful), not a subquery: with the subquery
    # PostgreSQL misestimated and scanned every answer of the channel's history in each of the
    # queries below, so the tally's cost grew with the history instead of the week.
    post_ids = sorted(post_dates)
    # On-time answers as a join condition rather than `answers.id IN (SELECT ...)`, which
    # PostgreSQL ran as a hash join over a full scan of `answers`.
    on_time = (Answer.post_id.in_(post_ids), Answer.withdrawn.is_(False), Answer.late.is_(False))
    answers = list(
        session.execute(
            select(Answer.id, Answer.post_id, Answer.user_id, Answer.answered_at)
            .where(*on_time)
            .order_by(Answer.answered_at, Answer.id)
        ).all()
    )
    # Votes of those answers. PostgreSQL is given the answer ids as one array: with a subquery
    # or a join it chose a parallel scan of every vote in the table (300 ms at a year of
    # history); the array gets an index scan of the week's votes (50 ms). SQLite plans the
    # subquery well and has a bound on parameters, so it keeps the subquery.
    if is_postgres(session):
        of_week = Vote.answer_id == any_(int_array([answer_id for answer_id, *_ in answers]))
    else:
        of_week = Vote.answer_id.in_(select(Answer.id).where(*on_time))
    return _WeekVotes(answers, of_week)


def _add_answers(
    rows: dict[str, Row],
    answers: list[Any],
    per_answer: dict[int, tuple[float, float]],
    post_dates: dict[int, date],
    participation: float,
) -> None:
    """One line per on-time answer; its quality points are set once the estimate is known,
    its reviewers for the rows shown (`_add_criteria`)."""
    for answer_id, post_id, user_id, answered_at in answers:
        r = rows.get(user_id)
        if r is None:
            r = rows[user_id] = Row(user_id, first_answer_at=answered_at)
        raw, quality = per_answer.get(answer_id) or (None, None)
        line = AnswerLine(post_dates[post_id], answer_id, None, raw, quality, 0.0, participation)
        r.answer_lines.append(line)
        r.answers += 1


def _add_criteria(session: Session, rows: dict[str, Row], offsets: dict[str, float]) -> None:
    """Each of `rows`' means per criterion, and each of their answers' reviewers, from the
    votes on their on-time answers."""
    authors = {line.answer_id: r.user_id for r in rows.values() for line in r.answer_lines}
    found = person_criteria(session, authors, offsets)
    for (user_id, criterion), (total, count) in found.sums.items():
        row = rows[user_id]
        row.criteria[criterion] = total / count
        row.criterion_counts[criterion] = int(count)
    for row in rows.values():
        row.answer_lines = [
            line._replace(reviewers=found.reviewers.get(line.answer_id, 0))
            for line in row.answer_lines
        ]


def _add_reviews(
    session: Session, post_ids: list[int], rules: ScoringRules, rows: dict[str, Row]
) -> None:
    """Reviews: completed (challenge posted and scored) and missed, per reviewer."""
    challenged = exists().where(Challenge.assignment_id == ReviewAssignment.id)
    completed = case((and_(ReviewAssignment.scored_at.is_not(None), challenged), 1), else_=0)
    missed = case((ReviewAssignment.missed.is_(True), 1), else_=0)
    for reviewer, done, miss in session.execute(
        select(ReviewAssignment.reviewer_id, func.sum(completed), func.sum(missed))
        .where(ReviewAssignment.post_id.in_(post_ids))
        .group_by(ReviewAssignment.reviewer_id)
    ):
        if not done and reviewer not in rows:
            continue  # only missed reviews: nothing to rank
        r = rows.get(reviewer)
        if r is None:  # (not setdefault: it would make a Row for each of 5,000 reviewers)
            r = rows[reviewer] = Row(reviewer)
        r.reviews, r.missed = int(done or 0), int(miss or 0)
        r.review_points = rules.review_credit * r.reviews
        r.missed_points = -rules.missed_review * r.missed


def _ranked(rows: dict[str, Row]) -> list[Row]:
    """Rows in rank order; rows equal on every tie-break share a rank."""
    keyed = sorted(((r.sort_key(), r.user_id, r) for r in rows.values()), key=lambda k: k[:2])
    previous: tuple[Any, ...] | None = None
    rank = 0
    for position, (key, _, r) in enumerate(keyed, start=1):
        if key != previous:
            rank, previous = position, key
        r.rank = rank
    return [r for *_, r in keyed]


def _add_mock_rounds(
    session: Session, channel: Channel, monday: date, rules: ScoringRules, rows: dict[str, Row]
) -> None:
    """Scored mock rounds of the week, for people active in the channel this week: the
    workspace's rounds kept here for the people with a row, rather than an IN list of every
    active person (5,000 bound parameters). A round counts for its candidate (credit, and its
    mean in the estimate) and for its interviewer (credit, like a completed review)."""
    start, end = week_bounds_utc(monday, channel.timezone)
    for mock in scored_mock_rounds(session, channel.team_id, start, end):
        if mock.candidate_id in rows:
            rows[mock.candidate_id].mocks.append(
                MockLine(mock.match_id, mock.round, mock.mean, rules.review_credit)
            )
        if mock.interviewer_id in rows:
            rows[mock.interviewer_id].interviews += 1


def _finish_row(r: Row, rules: ScoringRules, prior: float) -> None:
    """The row's estimate, each answer's quality points and the total (one formula:
    `scoring.exact_points`)."""
    means = [line.quality for line in r.answer_lines]
    scored = [q for q in means if q is not None]
    mocks = [m.mean for m in r.mocks]
    r.mean_quality = sum(scored) / len(scored) if scored else None
    r.quality = quality_estimate(rules, scored, mocks, prior)
    per_answer = answer_points(rules, r.quality) - rules.participation
    r.answer_lines = [line._replace(quality_points=per_answer) for line in r.answer_lines]
    total = exact_points(
        rules,
        answer_means=means,
        reviews=r.reviews,
        missed=r.missed,
        mock_means=mocks,
        interviews=r.interviews,
        prior=prior,
    )
    r.points = round(total, 1)
