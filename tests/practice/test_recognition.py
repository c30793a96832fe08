"""Recognition in the weekly post: most improved needs enough scores; mocks held; unlisted."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.models import MemberSettings, PromptPost, ReviewRating
from bot.practice.leaderboard.recognition import mocks_held, most_helpful, most_improved
from bot.practice.leaderboard.tally import tally_week
from bot.practice.weekly_post import build_report
from tests import builders as b
from tests.conftest import utc

MON = date(2026, 3, 2)


def test_most_improved_is_against_their_own_four_weeks_and_needs_enough_scores(
    session: Session,
) -> None:
    ch = b.channel(session)
    days_before = [MON - timedelta(weeks=w) for w in (1, 2, 3)]
    this_week = [MON, MON + timedelta(days=1)]
    plan = {
        # user: (scores in the four weeks before, scores this week)
        "riser": ([2, 2, 2], [4, 4]),
        "one-good-day": ([2, 2, 2], [5]),  # too few scores this week
        "newcomer": ([2], [5, 5]),  # too few before
        "steady": ([4, 4, 4], [4, 4]),  # no rise
        "small": ([3, 3, 3], [3, 3]),
        "hidden": ([1, 1, 1], [5, 5]),  # rose most, but chose not to be listed
    }
    posts: dict[date, PromptPost] = {}
    for day in [*days_before, *this_week]:
        posts[day] = b.post(session, ch, day)
    for user, (before, now) in plan.items():
        for day, score in zip(days_before, before, strict=False):
            b.review(session, b.answer(session, posts[day], user), "rev", score)
        for day, score in zip(this_week, now, strict=False):
            b.review(session, b.answer(session, posts[day], user), "rev", score)
    session.add(
        MemberSettings(
            team_id=ch.team_id, user_id="hidden", listed=False, updated_at=utc(2026, 3, 1)
        )
    )
    session.commit()

    report = build_report(session, ch, MON)
    assert [(m.user_id, m.before, m.after) for m in report.movers] == [("riser", 2.0, 4.0)]
    week = tally_week(session, ch, MON)
    assert {m.user_id for m in most_improved(session, ch, week)} == {"riser", "hidden"}


def test_mocks_held_names_both_sides_of_a_scored_round(session: Session) -> None:
    ch = b.channel(session)
    post = b.post(session, ch, MON)
    for user in ("ana", "ben", "cy"):
        b.answer(session, post, user)
    b.mock(session, "ana", "ben", 4, utc(2026, 3, 3, 12))
    session.commit()
    week = tally_week(session, ch, MON)
    assert mocks_held(week) == [("ana", 1), ("ben", 1)]  # cy held none


def test_most_helpful_reviewers_come_from_authors_ratings_of_the_weeks_reviews(
    session: Session,
) -> None:
    ch = b.channel(session)
    post = b.post(session, ch, MON)
    old = b.post(session, ch, MON - timedelta(weeks=1))
    ratings = [("ana", "rev1", True), ("ben", "rev1", True), ("cy", "rev2", False)]
    for author, reviewer, helpful in ratings:
        review = b.review(session, b.answer(session, post, author), reviewer, 4)
        session.add(
            ReviewRating(
                assignment_id=review.id,
                author_id=author,
                helpful=helpful,
                created_at=utc(2026, 3, 3),
            )
        )
    last_week = b.review(session, b.answer(session, old, "ana"), "rev3", 4)
    session.add(
        ReviewRating(
            assignment_id=last_week.id, author_id="ana", helpful=True, created_at=utc(2026, 3, 3)
        )
    )
    session.commit()
    found = most_helpful(session, ch, tally_week(session, ch, MON))
    assert [(h.user_id, h.helpful, h.rated) for h in found] == [("rev1", 2, 2)]
