"""The tally's vote queries: the week's posts, reviewer offsets, means per answer and person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, String, column, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.db import is_postgres
from bot.models import (
    Answer,
    PromptPost,
    Vote,
)


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


def answer_means(session: Session, of_week: Any) -> dict[int, tuple[float, float, int]]:
    """(raw mean, mean that counts, reviewers) per answer, without bias correction: one row
    per answer, grouped in SQL."""
    return {
        answer_id: (total / count, total / count, reviewers)
        for answer_id, total, count, reviewers in session.execute(
            select(
                Vote.answer_id,
                func.sum(Vote.score),
                func.count(),
                func.count(Vote.reviewer_id.distinct()),
            )
            .where(of_week)
            .group_by(Vote.answer_id)
        )
    }


def answer_means_corrected(
    session: Session, of_week: Any, offsets: dict[str, float]
) -> dict[int, tuple[float, float, int]]:
    """The same with bias correction: votes summed per answer and reviewer, each reviewer's
    sum shifted by their offset."""
    per_answer: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for answer_id, reviewer, total, count in session.execute(
        select(Vote.answer_id, Vote.reviewer_id, func.sum(Vote.score), func.count())
        .where(of_week)
        .group_by(Vote.answer_id, Vote.reviewer_id)
    ):
        acc = per_answer[answer_id]
        acc[0] += as_float(total)
        acc[1] += as_float(total) - count * offsets.get(reviewer, 0.0)
        acc[2] += count
        acc[3] += 1  # reviewers
    return {a: (acc[0] / acc[2], acc[1] / acc[2], int(acc[3])) for a, acc in per_answer.items()}


Sums = dict[str, list[float]]  # criterion -> [sum of scores, count]


def person_criteria(
    session: Session, on_time: tuple[Any, ...], of_week: Any, answers: Any
) -> tuple[list[tuple[str, str, float, int]], Sums]:
    """(user, criterion, sum of scores, count) for the week's on-time answers, and the
    channel's sums per criterion (exact either way: sums of integers).

    SQLite groups per person in SQL (a join it plans as index searches). PostgreSQL ran that
    join as a parallel scan of every vote whatever the filters; there the week's answers are
    given as one (id, author) array pair (`unnest`), which it joins to the votes' covering
    index in a nested loop, and the groups are sorted by byte order (`COLLATE "C"`: the same
    groups, a cheaper sort than the database's collation).
    """
    channel: Sums = defaultdict(lambda: [0.0, 0.0])
    grouped: Iterable[tuple[str, str, int, int]]
    if is_postgres(session):
        week = (
            func.unnest(
                literal([answer_id for answer_id, *_ in answers], ARRAY(Integer)),
                literal([user_id for _, _, user_id, _ in answers], ARRAY(String)),
            )
            .table_valued(column("id", Integer), column("user_id", String))
            .render_derived(name="week_answers")
        )
        user, criterion = week.c.user_id.collate("C"), Vote.criterion.collate("C")
        grouped = session.execute(
            select(user, criterion, func.sum(Vote.score), func.count())
            .select_from(Vote)
            .join(week, Vote.answer_id == week.c.id)
            .group_by(user, criterion)
        )
    else:
        grouped = session.execute(
            select(Answer.user_id, Vote.criterion, func.sum(Vote.score), func.count())
            .join(Vote, Vote.answer_id == Answer.id)
            .where(*on_time)
            .group_by(Answer.user_id, Vote.criterion)
        )
    people = []
    for user_id, criterion, total, count in grouped:
        people.append((user_id, criterion, as_float(total), count))
        acc = channel[criterion]
        acc[0] += total
        acc[1] += count
    return people, channel


def person_criteria_corrected(
    session: Session, of_week: Any, offsets: dict[str, float], answers: Any
) -> tuple[list[tuple[str, str, float, int]], Sums]:
    """The same with bias correction: grouped per answer, criterion and reviewer (no join:
    PostgreSQL scanned both tables for the join), each reviewer's sums shifted."""
    author = {answer_id: user_id for answer_id, _, user_id, _ in answers}
    person: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    channel: Sums = defaultdict(lambda: [0.0, 0.0])
    keys = [Vote.answer_id, Vote.criterion, Vote.reviewer_id]
    for answer_id, criterion, reviewer, total, count in session.execute(
        select(*keys, func.sum(Vote.score), func.count()).where(of_week).group_by(*keys)
    ):
        corrected = as_float(total) - count * offsets.get(reviewer, 0.0)
        for acc in (person[(author[answer_id], criterion)], channel[criterion]):
            acc[0] += corrected
            acc[1] += count
    people = [
        (user, criterion, total, count) for (user, criterion), (total, count) in person.items()
    ]
    return people, channel
