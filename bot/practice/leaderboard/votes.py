"""The tally's vote queries: the week's posts, reviewer offsets, means per answer, per criterion
for the channel and for the people shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, column, func, select
from sqlalchemy.orm import Session

from bot.db import int_array, is_postgres
from bot.models import (
    Answer,
    CalibrationScore,
    PromptPost,
    Vote,
)
from bot.practice.consensus import NEW_REVIEWER, Unit, weights


def as_float(value: Any) -> float:
    return float(value)  # PostgreSQL averages come back as Decimal


def week_posts_query(channel_pk: int, monday: date) -> Any:
    return select(PromptPost.id).where(
        PromptPost.channel_pk == channel_pk,
        PromptPost.local_date >= monday,
        PromptPost.local_date < monday + timedelta(days=7),
    )


def on_time_answers(post_ids: Any) -> Any:
    return select(Answer.id).where(
        Answer.post_id.in_(post_ids), Answer.withdrawn.is_(False), Answer.late.is_(False)
    )


def reviewer_offsets(
    session: Session, channel_pk: int, monday: date, weeks: int
) -> dict[str, float]:
    """Each reviewer's mean score minus the channel's, over `weeks` weeks ending with `monday`'s."""
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel_pk,
        PromptPost.local_date >= monday - timedelta(weeks=weeks - 1),
        PromptPost.local_date < monday + timedelta(days=7),
    )
    scope = Vote.answer_id.in_(on_time_answers(posts))
    overall = session.scalar(select(func.avg(Vote.score)).where(scope))
    if overall is None:
        return {}
    rows = session.execute(
        select(Vote.reviewer_id, func.avg(Vote.score)).where(scope).group_by(Vote.reviewer_id)
    )
    return {reviewer: as_float(mean) - as_float(overall) for reviewer, mean in rows}


def answer_means(session: Session, of_week: Any) -> dict[int, tuple[float, float]]:
    """(raw mean, mean that counts) per answer, without bias correction: one row per answer,
    grouped in SQL. (Each answer's count of reviewers, a `count(DISTINCT ..)` that was a third
    of this query on PostgreSQL, is read only for the rows a leaderboard shows:
    `person_criteria`.)"""
    return {
        answer_id: (total / count, total / count)
        for answer_id, total, count in session.execute(
            select(Vote.answer_id, func.sum(Vote.score), func.count())
            .where(of_week)
            .group_by(Vote.answer_id)
        )
    }


def answer_means_corrected(
    session: Session,
    of_week: Any,
    offsets: dict[str, float],
    weights: dict[str, float] | None = None,
) -> dict[int, tuple[float, float]]:
    """The same with bias correction and/or reliability weights: votes summed per answer and
    reviewer, each reviewer's sum shifted by their offset and weighted by their weight (a new
    reviewer's weight is `NEW_REVIEWER`; with every weight equal it is the plain mean)."""
    # raw sum, raw count, weighted counted sum, weighted count
    per_answer: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for answer_id, reviewer, total, count in session.execute(
        select(Vote.answer_id, Vote.reviewer_id, func.sum(Vote.score), func.count())
        .where(of_week)
        .group_by(Vote.answer_id, Vote.reviewer_id)
    ):
        weight = weights.get(reviewer, NEW_REVIEWER) if weights is not None else 1.0
        acc = per_answer[answer_id]
        acc[0] += as_float(total)
        acc[1] += count
        acc[2] += weight * (as_float(total) - count * offsets.get(reviewer, 0.0))
        acc[3] += weight * count
    return {
        a: (acc[0] / acc[1], _within(acc[2] / acc[3], offsets, weights))
        for a, acc in per_answer.items()
    }


def _within(mean: float, offsets: dict[str, float], weights: dict[str, float] | None) -> float:
    """Weights alone keep a mean within 1-5 (a convex combination): floating-point dust aside.
    Bias correction may move it out, as it always could."""
    return mean if offsets or weights is None else min(5.0, max(1.0, mean))


def reviewer_weights(
    session: Session, channel_pk: int, monday: date, weeks: int
) -> dict[str, float]:
    """Each reviewer's consensus weight (`bot/practice/consensus.py`) from the channel's votes
    on on-time answers and their calibration scores, over `weeks` weeks ending with
    `monday`'s: a bounded window, read once per tally."""
    start = monday - timedelta(weeks=weeks - 1)
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel_pk,
        PromptPost.local_date >= start,
        PromptPost.local_date < monday + timedelta(days=7),
    )
    scores: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    for answer_id, criterion, reviewer, score in session.execute(
        select(Vote.answer_id, Vote.criterion, Vote.reviewer_id, Vote.score).where(
            Vote.answer_id.in_(on_time_answers(posts))
        )
    ):
        scores[(answer_id, criterion)][reviewer] = float(score)
    samples: dict[str, list[Unit]] = defaultdict(list)
    for reviewer, score, reference in session.execute(
        select(
            CalibrationScore.reviewer_id, CalibrationScore.score, CalibrationScore.reference
        ).where(
            CalibrationScore.channel_pk == channel_pk,
            CalibrationScore.updated_at >= datetime.combine(start, time(), UTC) - timedelta(days=1),
        )
    ):
        samples[reviewer].append(Unit(float(score), float(reference)))
    return weights(scores, samples)


Sums = dict[str, list[float]]  # criterion -> [sum of scores, count]


def channel_criteria(
    session: Session, of_week: Any, answers: Any, offsets: dict[str, float]
) -> Sums:
    """The channel's sums per criterion over the week's votes (with bias correction: grouped
    per reviewer too, each reviewer's sums shifted). Exact without correction: sums of
    integers.

    On PostgreSQL the week's answers are joined as one array (`unnest`): with `of_week`'s
    `= ANY(array)` it chose a parallel scan of every vote for this grouping (190 ms at a year
    of history); the join is a nested loop over the votes' index (~45 ms).
    """
    channel: Sums = defaultdict(lambda: [0.0, 0.0])
    keys: list[Any] = [Vote.criterion, Vote.reviewer_id] if offsets else [Vote.criterion]
    query = select(*keys, func.sum(Vote.score), func.count())
    if is_postgres(session):
        week = (
            func.unnest(int_array([answer_id for answer_id, *_ in answers]))
            .table_valued(column("id", Integer))
            .render_derived(name="week_answers")
        )
        query = query.select_from(Vote).join(week, Vote.answer_id == week.c.id)
    else:
        query = query.where(of_week)
    for row in session.execute(query.group_by(*keys)):
        total, count = row[-2], row[-1]
        acc = channel[row[0]]
        acc[0] += as_float(total) - count * (offsets.get(row[1], 0.0) if offsets else 0.0)
        acc[1] += count
    return channel


@dataclass
class PersonCriteria:
    """The shown rows' sums per (user, criterion), and how many reviewers scored each of
    their answers."""

    sums: dict[tuple[str, str], list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0])
    )
    reviewers: dict[int, int] = field(default_factory=dict)


def person_criteria(
    session: Session, authors: dict[int, str], offsets: dict[str, float]
) -> PersonCriteria:
    """(user, criterion) -> [sum of scores, count] over the answers in `authors` (answer id ->
    author), and each answer's reviewers: only the rows a leaderboard shows, a few dozen
    answers, so one grouped read of their votes by id. Each reviewer's sums are shifted by
    their offset (none without bias correction)."""
    found = PersonCriteria()
    if not authors:
        return found
    seen: dict[int, set[str]] = defaultdict(set)
    keys = (Vote.answer_id, Vote.criterion, Vote.reviewer_id)
    for answer_id, criterion, reviewer, total, count in session.execute(
        select(*keys, func.sum(Vote.score), func.count())
        .where(Vote.answer_id.in_(sorted(authors)))
        .group_by(*keys)
        .order_by(*keys)  # the same sums in the same order on every database
    ):
        acc = found.sums[(authors[answer_id], criterion)]
        acc[0] += as_float(total) - count * offsets.get(reviewer, 0.0)
        acc[1] += count
        seen[answer_id].add(reviewer)
    found.reviewers = {answer_id: len(who) for answer_id, who in seen.items()}
    return found
