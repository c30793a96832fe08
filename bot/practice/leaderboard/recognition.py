"""Recognition in the weekly post that does not depend on being the best (issue 25).

One small query per source: most improved (this week against the member's own four weeks
before), most helpful reviewers (authors' ratings of the week's reviews, `review_ratings`),
mocks held (the week's rows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.models import Answer, Channel, PromptPost, ReviewAssignment, ReviewRating, Vote
from bot.practice.leaderboard.history import Mover
from bot.practice.leaderboard.votes import as_float, on_time_answers, week_posts_query
from bot.practice.leaderboard.week import Week

BASE_WEEKS = 4  # the member's own average is over this many weeks before
MIN_WEEK_SCORED = 2  # scored answers this week, for a rise to be real
MIN_BASE_SCORED = 3  # scored answers in the weeks before
MIN_RISE = 0.25  # on the 1-5 scale
SHOWN = 3


@dataclass(frozen=True)
class HelpfulReviewer:
    """A reviewer whose reviews authors rated helpful this week."""

    user_id: str
    helpful: int  # reviews rated helpful
    rated: int  # reviews rated at all


def most_improved(
    session: Session, channel: Channel, week: Week, limit: int = SHOWN
) -> list[Mover]:
    """The biggest rises of this week's mean answer quality (each scored answer's mean score,
    as given) over the member's own mean of the `BASE_WEEKS` weeks before, for members with
    at least `MIN_WEEK_SCORED` scored answers this week and `MIN_BASE_SCORED` before."""
    now: dict[str, list[float]] = {}
    for row in week.rows:
        scored = [line.raw_quality for line in row.answer_lines if line.raw_quality is not None]
        if len(scored) >= MIN_WEEK_SCORED and week.named(row.user_id):
            now[row.user_id] = scored
    if not now:
        return []
    before = _answer_means(session, channel, week.week_start, sorted(now))
    found = []
    for user, means in now.items():
        base = before.get(user, [])
        if len(base) < MIN_BASE_SCORED:
            continue
        mover = Mover(user, sum(base) / len(base), sum(means) / len(means))
        if mover.delta >= MIN_RISE - 1e-9:
            found.append(mover)
    found.sort(key=lambda m: (-m.delta, m.user_id))
    return found[:limit]


def _answer_means(
    session: Session, channel: Channel, monday: date, users: list[str]
) -> dict[str, list[float]]:
    """Each user's scored on-time answers' mean scores over the `BASE_WEEKS` weeks before."""
    posts = select(PromptPost.id).where(
        PromptPost.channel_pk == channel.id,
        PromptPost.local_date >= monday - timedelta(weeks=BASE_WEEKS),
        PromptPost.local_date < monday,
    )
    means: dict[str, list[float]] = defaultdict(list)
    for user, mean in session.execute(
        select(Answer.user_id, func.avg(Vote.score))
        .join(Answer, Answer.id == Vote.answer_id)
        .where(Vote.answer_id.in_(on_time_answers(posts)), Answer.user_id.in_(users))
        .group_by(Answer.id, Answer.user_id)
    ):
        means[user].append(as_float(mean))
    return means


def most_helpful(
    session: Session, channel: Channel, week: Week, limit: int = SHOWN
) -> list[HelpfulReviewer]:
    """Reviewers of the week's posts whose reviews authors rated helpful, most first (named
    members only; a rating never changes points)."""
    posts = week_posts_query(channel.id, week.week_start)
    rows = session.execute(
        select(
            ReviewAssignment.reviewer_id,
            func.count(),
            func.sum(case((ReviewRating.helpful.is_(True), 1), else_=0)),
        )
        .join(ReviewAssignment, ReviewAssignment.id == ReviewRating.assignment_id)
        .where(ReviewAssignment.post_id.in_(posts))
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    found = [
        HelpfulReviewer(user, int(helpful or 0), int(rated))
        for user, rated, helpful in rows
        if helpful and week.named(user)
    ]
    found.sort(key=lambda h: (-h.helpful, h.rated, h.user_id))
    return found[:limit]


def mocks_held(week: Week, limit: int = SHOWN) -> list[tuple[str, int]]:
    """Members named on the board with the mock rounds they held this week (either side)."""
    held = [
        (r.user_id, r.interviews + len(r.mocks))
        for r in week.rows
        if (r.interviews or r.mocks) and week.named(r.user_id)
    ]
    held.sort(key=lambda pair: (-pair[1], pair[0]))
    return held[:limit]
