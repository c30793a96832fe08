"""Across weeks: most improved, criterion trends (streaks: `streaks.py`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    Channel,
    PromptPost,
    Vote,
)
from bot.practice.leaderboard.votes import (
    as_float,
    on_time_answers,
)
from bot.practice.leaderboard.week import Week
from bot.practice.schedule import (
    week_start,
)

TREND_WEEKS = 6


@dataclass(frozen=True)
class Mover:
    user_id: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


def movers(this: Week, previous: Week, limit: int = 3) -> list[Mover]:
    """Most improved: the biggest rises in mean answer quality over the previous week."""
    result = []
    for r in this.rows:
        before = previous.row(r.user_id)
        if r.mean_quality is None or before is None or before.mean_quality is None:
            continue
        if r.mean_quality > before.mean_quality + 1e-9:
            result.append(Mover(r.user_id, before.mean_quality, r.mean_quality))
    result.sort(key=lambda m: (-m.delta, m.user_id))
    return result[:limit]


def criterion_trend(
    session: Session,
    channel: Channel,
    last_monday: date,
    *,
    weeks: int = TREND_WEEKS,
    user_id: str | None = None,
    closed_by: datetime | None = None,
) -> list[tuple[date, dict[str, float]]]:
    """Mean score per criterion for each of the `weeks` weeks ending with `last_monday`'s
    (as given, without bias correction); for one user's answers when `user_id` is set, and
    with `closed_by` only of posts whose reviews closed by then (one's own scores before the
    close are give to get's to show, in the App Home)."""
    first = last_monday - timedelta(weeks=weeks - 1)
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id,
        PromptPost.local_date >= first,
        PromptPost.local_date < last_monday + timedelta(days=7),
    )
    query = (
        select(PromptPost.local_date, Vote.criterion, func.sum(Vote.score), func.count())
        .join(Answer, Answer.id == Vote.answer_id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .where(Vote.answer_id.in_(on_time_answers(posts)))
        .group_by(PromptPost.local_date, Vote.criterion)
    )
    if user_id is not None:
        query = query.where(Answer.user_id == user_id)
    if closed_by is not None:
        query = query.where(PromptPost.reviews_close_at <= closed_by)
    sums: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for day, criterion, total, count in session.execute(query):
        acc = sums[week_start(day)][criterion]
        acc[0] += as_float(total)
        acc[1] += count
    return [
        (
            monday,
            {c: t / n for c, (t, n) in sorted(sums[monday].items())} if monday in sums else {},
        )
        for monday in (first + timedelta(weeks=i) for i in range(weeks))
    ]
