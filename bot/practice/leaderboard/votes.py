"""The tally's vote queries: the week's posts, reviewer offsets, means per answer, per criterion
for the channel and for the people shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from bot.db import is_postgres
from bot.models import (
    Answer,
    CalibrationScore,
    PromptPost,
    Vote,
)
from bot.practice.consensus import NEW_REVIEWER, Unit, weights

Sums = dict[str, list[float]]  # criterion -> [sum of scores, count]


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
    # Sums and counts of whole scores, divided here: exact, and the same on both databases
    # (PostgreSQL's avg is a decimal, SQLite's a float, and their last bits decided ties);
    # the channel's mean from the same rows, not a second scan of the window.
    rows = session.execute(
        select(Vote.reviewer_id, func.sum(Vote.score), func.count())
        .where(scope)
        .group_by(Vote.reviewer_id)
    ).all()
    if not rows:
        return {}
    overall = sum(int(total) for _, total, _ in rows) / sum(count for *_, count in rows)
    return {reviewer: int(total) / count - overall for reviewer, total, count in rows}


@dataclass(frozen=True)
class WeekSums:
    """The week's votes summed two ways: per answer, (raw mean, mean that counts); and the
    channel's [sum, count] per criterion."""

    per_answer: dict[int, tuple[float, float]]
    criteria: Sums


def week_sums(
    session: Session,
    of_week: Any,
    offsets: dict[str, float],
    weights: dict[str, float] | None = None,
) -> WeekSums:
    """The week's votes grouped per answer and per criterion (each also per reviewer when
    bias correction or weights need it).

    PostgreSQL groups both ways in one pass over the votes' index (`GROUPING SETS`): as two
    queries the week's 84,000 votes of a 5,000-member channel were read twice, 30 ms each.
    SQLite has no grouping sets and runs the two groupings as two queries."""
    corrected = bool(offsets) or weights is not None
    by_answer = [Vote.answer_id, Vote.reviewer_id] if corrected else [Vote.answer_id]
    by_criterion = [Vote.criterion, Vote.reviewer_id] if offsets else [Vote.criterion]
    totals = (func.sum(Vote.score), func.count())
    answer_rows: list[Any]
    criterion_rows: list[Any]
    if is_postgres(session):
        keys = [Vote.answer_id, Vote.criterion, *([Vote.reviewer_id] if corrected else [])]
        sets = func.grouping_sets(tuple_(*by_answer), tuple_(*by_criterion))
        rows = session.execute(
            select(func.grouping(Vote.criterion), *keys, *totals).where(of_week).group_by(sets)
        )
        # grouping(criterion) is 1 in the per-answer set's rows, where criterion is no key;
        # `rest` is (reviewer, if selected,) sum, count: a key of the rows that group by it.
        answer_rows, criterion_rows = [], []
        for of_answers, answer_id, criterion, *rest in rows:
            if of_answers:
                answer_rows.append((answer_id, *rest))
            else:
                criterion_rows.append((criterion, *rest))
    else:
        answer_rows = list(
            session.execute(select(*by_answer, *totals).where(of_week).group_by(*by_answer))
        )
        criterion_rows = list(
            session.execute(select(*by_criterion, *totals).where(of_week).group_by(*by_criterion))
        )
    if corrected:
        # Folded in one order, whatever order the database returned the groups in: the
        # shifted, weighted sums are floats, and their last bits (which can decide a tie or a
        # rounding to 0.1) depend on the order they are added in.
        per_answer = _corrected_means(sorted(answer_rows, key=_by_keys), offsets, weights)
    else:
        per_answer = {a: (total / count, total / count) for a, total, count in answer_rows}
    if offsets:
        criterion_rows = sorted(criterion_rows, key=_by_keys)
    return WeekSums(per_answer, _criterion_sums(criterion_rows, offsets))


def _by_keys(row: Any) -> tuple[Any, Any]:
    return row[0], row[1]  # (answer or criterion, reviewer)


def _corrected_means(
    rows: list[Any], offsets: dict[str, float], weights: dict[str, float] | None
) -> dict[int, tuple[float, float]]:
    """(raw mean, mean that counts) per answer from sums per answer and reviewer: each
    reviewer's sum shifted by their offset and weighted by their weight (a new reviewer's
    weight is `NEW_REVIEWER`; with every weight equal it is the plain mean)."""
    # raw sum, raw count, weighted counted sum, weighted count
    per_answer: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for answer_id, reviewer, total, count in rows:
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


def _criterion_sums(rows: list[Any], offsets: dict[str, float]) -> Sums:
    """The channel's [sum, count] per criterion (with bias correction the rows are per
    criterion and reviewer, each reviewer's sum shifted). Exact without correction: sums of
    integers."""
    channel: Sums = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        total, count = row[-2], row[-1]
        acc = channel[row[0]]
        acc[0] += as_float(total) - count * (offsets.get(row[1], 0.0) if offsets else 0.0)
        acc[1] += count
    return channel


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
