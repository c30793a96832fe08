"""Streaks that forgive: practice weeks in a row, freezes earned and used, away weeks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.models import AwayPeriod
from bot.practice.leaderboard.streaks import (
    FREEZE_EVERY,
    MAX_FREEZES,
    WeekStatus,
    walk,
    weekly_streaks,
)
from tests import builders as b

MON = date(2026, 3, 2)
P, A, M, OPEN = WeekStatus.PRACTISED, WeekStatus.AWAY, WeekStatus.MISSED, WeekStatus.OPEN


def weeks(*statuses: WeekStatus) -> list[tuple[date, WeekStatus]]:
    start = MON - timedelta(weeks=len(statuses) - 1)
    return [(start + timedelta(weeks=i), s) for i, s in enumerate(statuses)]


def test_a_freeze_is_earned_every_four_practice_weeks_and_capped() -> None:
    assert walk(weeks(P, P, P)).freezes == 0
    assert walk(weeks(*[P] * FREEZE_EVERY)).freezes == 1
    assert walk(weeks(*[P] * (FREEZE_EVERY * 5))).freezes == MAX_FREEZES


def test_a_missed_week_uses_a_freeze_once_and_the_next_miss_breaks() -> None:
    run = weeks(P, P, P, P, M, P)
    found = walk(run)
    assert found.weeks == 5 and found.freezes == 0
    assert found.frozen == (run[4][0],)  # that week, and only that one
    assert walk(weeks(P, P, P, P, M, M)).weeks == 0
    assert walk(weeks(P, P, M)).weeks == 0  # no freeze earned yet


def test_away_weeks_and_the_week_in_progress_never_break_it() -> None:
    assert walk(weeks(P, P, A, A, A, P, OPEN)).weeks == 3
    assert walk(weeks(P, OPEN)).weeks == 1
    assert not walk(weeks(P, OPEN)).this_week and walk(weeks(P, P)).this_week


def test_weekly_streaks_read_answers_reviews_mocks_and_away(session: Session) -> None:
    ch = b.channel(session)
    for w in range(4, 0, -1):  # four practice weeks before this one: a freeze earned
        b.answer(session, b.post(session, ch, MON - timedelta(weeks=w)), "ana")
    # ben: answers two weeks ago, was away last week, reviews this week.
    old = b.answer(session, b.post(session, ch, MON - timedelta(weeks=2, days=-1)), "ben")
    b.review(session, old, "cy", 3)  # cy reviewed two weeks ago: a practice week
    session.add(
        AwayPeriod(
            team_id=ch.team_id,
            user_id="ben",
            first=MON - timedelta(days=5),
            last=MON - timedelta(days=3),
        )
    )
    this = b.answer(session, b.post(session, ch, MON), "dee")
    b.review(session, this, "ben", 4)
    session.commit()
    found = weekly_streaks(
        session, ch, ["ana", "ben", "cy", "dee", "nobody"], MON + timedelta(days=2)
    )
    assert found["ana"].weeks == 4 and found["ana"].freezes == 1 and not found["ana"].this_week
    assert found["ben"].weeks == 2 and found["ben"].this_week  # the away week kept it
    assert found["cy"].weeks == 0  # missed last week with no freeze
    assert found["dee"].weeks == 1
    assert found["nobody"].weeks == 0

    # Next week, ana has missed one: her freeze covers it, once.
    later = weekly_streaks(session, ch, ["ana"], MON + timedelta(days=9))["ana"]
    assert later.weeks == 4 and later.freezes == 0 and later.frozen == (MON,)
    assert weekly_streaks(session, ch, ["ana"], MON + timedelta(days=16))["ana"].weeks == 0


def test_reviews_can_be_left_out_of_practice_weeks_per_channel(session: Session) -> None:
    ch = b.channel(session, scoring={"streak_reviews": False})
    b.review(session, b.answer(session, b.post(session, ch, MON), "ana"), "ben", 3)
    session.commit()
    found = weekly_streaks(session, ch, ["ana", "ben"], MON + timedelta(days=1))
    assert found["ana"].weeks == 1 and found["ben"].weeks == 0
