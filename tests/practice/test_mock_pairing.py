"""Availability windows and the maximum-weight pairing, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.practice.mocks.availability import (
    MIN_SLOT,
    nearest_window,
    prefill,
    shared_slot,
    windows_for,
    working_hours_picks,
)
from bot.practice.mocks.checkins import absent_in
from bot.practice.mocks.pairing import NEW_PAIR, REPEAT_AFTER, Seeker, choose_pairs, pair_weight

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)  # a Monday
ALL_WEEK = [[int(NOW.timestamp()), int((NOW + timedelta(days=7)).timestamp())]]


def seeker(i: int, user: str, *, level: float = 3.0, waited: timedelta = timedelta(0)) -> Seeker:
    return Seeker(i, user, ALL_WEEK, NOW - waited, level)


def test_windows_are_local_and_follow_daylight_saving() -> None:
    # 18:00 in New York is 23:00 UTC before 8 March 2026 and 22:00 UTC after it.
    (before,) = windows_for(["2026-03-06 18"], "America/New_York")
    (after,) = windows_for(["2026-03-09 18"], "America/New_York")
    assert datetime.fromtimestamp(before[0], UTC).hour == 23
    assert datetime.fromtimestamp(after[0], UTC).hour == 22
    # Adjacent blocks merge; garbage is ignored; an unknown zone is read as UTC.
    assert windows_for(["2026-03-03 09", "2026-03-03 12", "bad", "2026-03-03 07"], "Nowhere/X") == [
        (
            int(datetime(2026, 3, 3, 9, tzinfo=UTC).timestamp()),
            int(datetime(2026, 3, 3, 15, tzinfo=UTC).timestamp()),
        )
    ]


def test_working_hours_are_weekdays_nine_to_six_and_picks_carry_over_by_weekday() -> None:
    picks = working_hours_picks("Europe/Berlin", NOW)
    assert len(picks) == 5 * 3 and "2026-03-07 09" not in picks  # Saturday
    assert prefill(["2026-02-24 18"], "UTC", NOW) == ["2026-03-03 18"]  # last Tuesday -> this


def test_a_shared_slot_is_long_enough_on_a_quarter_hour_and_not_too_soon() -> None:
    a = windows_for(["2026-03-03 18"], "America/New_York")  # 23:00-02:00 UTC
    b = windows_for(["2026-03-04 06"], "Asia/Singapore")  # 22:00-01:00 UTC
    slot = shared_slot(a, b, MIN_SLOT, NOW)
    assert slot is not None and slot.start == datetime(2026, 3, 3, 23, tzinfo=UTC)
    late = shared_slot(a, b, MIN_SLOT, datetime(2026, 3, 4, 0, 10, tzinfo=UTC))
    assert late is not None and late.start == datetime(2026, 3, 4, 0, 15, tzinfo=UTC)
    assert shared_slot(a, b, MIN_SLOT, datetime(2026, 3, 4, 0, 15, 1, tzinfo=UTC)) is None
    evening = windows_for(["2026-03-03 18"], "Asia/Singapore")  # 10:00-13:00 UTC
    assert shared_slot(a, evening, MIN_SLOT, NOW) is None
    assert nearest_window(a, [evening], NOW) == evening[0]


def test_the_pairing_prefers_new_pairs_and_repeats_only_when_nobody_else_fits() -> None:
    a, b, c = seeker(1, "A"), seeker(2, "B"), seeker(3, "C")
    met = {frozenset(("A", "B")): NOW - timedelta(days=3)}
    (pair,) = choose_pairs([a, b, c], met, NOW, MIN_SLOT, NOW)
    assert {pair.first.user_id, pair.second.user_id} != {"A", "B"}
    # Alone together, a pair who met pairs again only after both waited REPEAT_AFTER.
    assert choose_pairs([a, b], met, NOW, MIN_SLOT, NOW) == []
    old_a = seeker(1, "A", waited=REPEAT_AFTER)
    old_b = seeker(2, "B", waited=REPEAT_AFTER)
    assert len(choose_pairs([old_a, old_b], met, NOW, MIN_SLOT, NOW)) == 1
    # The whole queue together: four people where greed would strand two.
    d = seeker(4, "D")
    met = {
        frozenset(("A", "C")): NOW - timedelta(days=1),
        frozenset(("B", "D")): NOW - timedelta(days=1),
    }
    pairs = choose_pairs([a, b, c, d], met, NOW, MIN_SLOT, NOW)
    assert {frozenset((p.first.user_id, p.second.user_id)) for p in pairs} == {
        frozenset(("A", "B")),
        frozenset(("C", "D")),
    } or {frozenset((p.first.user_id, p.second.user_id)) for p in pairs} == {
        frozenset(("A", "D")),
        frozenset(("B", "C")),
    }
    assert pair_weight(a, seeker(9, "A"), None, NOW) is None  # never with themselves


def test_similar_levels_and_longer_waits_weigh_more() -> None:
    a = seeker(1, "A", level=4.5)
    near, far = seeker(2, "B", level=4.2), seeker(3, "C", level=1.5)
    assert (pair_weight(a, near, None, NOW) or 0) > (pair_weight(a, far, None, NOW) or 0)
    waited = seeker(4, "D", level=1.5, waited=timedelta(hours=20))
    assert (pair_weight(a, waited, None, NOW) or 0) > (pair_weight(a, far, None, NOW) or 0)
    assert (pair_weight(a, near, None, NOW) or 0) >= NEW_PAIR


def test_who_did_not_show() -> None:
    users = ("A", "B")
    assert absent_in({"A": "could-not-make-it"}, users) == "A"
    assert absent_in({"B": "partner-no-show"}, users) == "A"
    assert absent_in({"B": "partner-no-show", "A": "happened"}, users) is None  # disputed
    assert absent_in({"A": "happened", "B": "moved"}, users) is None
