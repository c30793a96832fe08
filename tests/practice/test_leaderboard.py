"""The weekly tally: points, ranking with ties, bias correction, movers, query shape."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.practice.leaderboard import tally as tally_module
from bot.practice.leaderboard.history import criterion_trend, movers
from bot.practice.leaderboard.stats import personal_stats
from bot.practice.leaderboard.tally import tally_week, with_rows_shown
from bot.practice.leaderboard.week import TOP
from bot.practice.scoring import (
    DEFAULT_RULES,
    ScoringRules,
    ScoringSettingError,
    reset_channel_settings,
    rules_for,
    set_channel_setting,
)
from bot.services import leaderboards
from bot.slack.render.scoring import setting_error_text
from tests import builders as b
from tests.conftest import utc

MON = date(2026, 3, 2)
TUE, WED, THU, FRI = (MON + timedelta(days=i) for i in range(1, 5))


def ranking(week: Any) -> list[tuple[int, str, float]]:
    return [(r.rank, r.user_id, r.points) for r in week.rows]


def build_tie_week(session: Session) -> Any:
    """A week whose ranking exercises every tie-break (the expected order is in the test).

    Scored answers: bob 5, alice 3.5, frank 3, gina 2.5, zed 1, yuri 1: the channel's mean is
    (16 + 2 x 3) / (6 + 2) = 2.75, and each estimate Q = (sum of means + 2 x 2.75) / (n + 2).
    Every on-time answer earns 1 + 2 x Q; every completed review 1.
    """
    ch = b.channel(session)
    mon, tue, wed = b.post(session, ch, MON), b.post(session, ch, TUE), b.post(session, ch, WED)
    # bob: one answer scored 5, Q = (5 + 5.5) / 3 = 3.5: 1 + 7 = 8
    b.review(session, b.answer(session, mon, "bob", minutes=10), "rev1", 5)
    # alice: Mon scored 4 and 3 (mean 3.5), Tue unscored: Q = 3.0, 2 x (1 + 6) = 14
    alice_mon = b.answer(session, mon, "alice", minutes=5)
    b.review(session, alice_mon, "rev1", 4)
    b.review(session, alice_mon, "rev2", 3)
    b.answer(session, tue, "alice")
    # frank: Q = (3 + 5.5) / 3: 6.7; gina: Q = (2.5 + 5.5) / 3: 6.3 + 1 review = 7.3
    frank = b.answer(session, wed, "frank", minutes=60)
    gina = b.answer(session, wed, "gina", minutes=61)
    b.review(session, frank, "gina", 3)
    b.review(session, gina, "rev1", {"hypothesis": 2, "focus": 3})
    # dan: 2 unscored answers at the channel's mean (2 x 6.5) + 1 review = 14, alice's points
    # and answers with a lower estimate. zed and yuri: 1 answer scored 1, Q = 6.5 / 3: 5.3
    # each (zed answered first). erin: 1 unscored answer + 2 reviews = 8.5. rev1: 3 reviews.
    b.answer(session, tue, "dan", minutes=40)
    b.answer(session, wed, "dan")
    zed = b.answer(session, mon, "zed", minutes=20)
    yuri = b.answer(session, mon, "yuri", minutes=21)
    b.review(session, zed, "dan", 1)
    b.review(session, zed, "erin", 1)
    b.review(session, yuri, "erin", 1)
    b.answer(session, wed, "erin", minutes=50)
    # 6.5 each: hank and ivy (1 unscored answer; hank first); rev2: 1 review, no answers.
    # hank's assignment without a challenge or scores is no review; ivy missed hers (shown,
    # nothing taken off).
    b.answer(session, tue, "hank", minutes=70)
    b.answer(session, tue, "ivy", minutes=71)
    b.review(session, yuri, "hank", challenge=None)
    b.review(session, gina, "ivy", challenge=None, missed=True)
    # Late and withdrawn answers count for nothing.
    b.answer(session, wed, "zoe", late=True)
    b.answer(session, wed, "yan", withdrawn=True)
    session.commit()
    return ch


def test_points_and_every_tie_break(session: Session) -> None:
    ch = build_tie_week(session)
    week = tally_week(session, ch, MON)
    assert abs(week.prior - 2.75) < 1e-9
    assert ranking(week) == [
        (1, "alice", 14.0),
        (2, "dan", 14.0),
        (3, "erin", 8.5),
        (4, "bob", 8.0),
        (5, "gina", 7.3),
        (6, "frank", 6.7),
        (7, "hank", 6.5),
        (8, "ivy", 6.5),
        (9, "zed", 5.3),
        (10, "yuri", 5.3),
        (11, "rev1", 3.0),
        (12, "rev2", 1.0),
    ]
    alice = week.row("alice")
    assert alice is not None
    assert alice.answers == 2 and alice.reviews == 0 and alice.mean_quality == 3.5
    assert abs(alice.quality - 3.0) < 1e-9
    # Both answers earn the estimate's quality points, the unscored one too.
    assert [line.quality_points for line in alice.answer_lines] == [6.0, 6.0]
    ivy, hank = week.row("ivy"), week.row("hank")
    assert ivy is not None and ivy.missed == 1 and ivy.points == 6.5
    assert hank is not None and hank.reviews == 0
    assert week.row("zoe") is None and week.row("yan") is None


def test_identical_rows_break_on_the_earlier_first_answer(session: Session) -> None:
    ch = b.channel(session)
    p = b.post(session, ch, TUE)
    b.answer(session, p, "late-riser", minutes=90)
    b.answer(session, p, "early-bird", minutes=3)
    session.commit()
    # Nothing scored in the channel: each unscored answer counts at the rubric's middle, 1 + 6.
    assert ranking(tally_week(session, ch, MON)) == [(1, "early-bird", 7.0), (2, "late-riser", 7.0)]


def test_week_is_the_channels_local_monday_to_sunday(session: Session) -> None:
    ch = b.channel(session, tz="Asia/Tokyo")
    b.answer(session, b.post(session, ch, MON - timedelta(days=1)), "sunday-before")
    b.answer(session, b.post(session, ch, MON + timedelta(days=6)), "sunday")
    b.answer(session, b.post(session, ch, MON + timedelta(days=7)), "next-monday")
    session.commit()
    assert [r.user_id for r in tally_week(session, ch, MON).rows] == ["sunday"]


def test_a_quiet_week_has_no_rows(session: Session) -> None:
    ch = b.channel(session)
    b.post(session, ch, MON)
    session.commit()
    week = tally_week(session, ch, MON)
    assert not week.active and week.rows == []


def build_biased_week(session: Session, harsh: tuple[int, int], generous: tuple[int, int]) -> Any:
    """ "harsh" scores alice and carol, "generous" scores bob and dan (every criterion)."""
    ch = b.channel(session)
    p = b.post(session, ch, MON)
    users = ("alice", "bob", "carol", "dan")
    answers = {u: b.answer(session, p, u, minutes=i) for i, u in enumerate(users)}
    b.review(session, answers["alice"], "harsh", harsh[0])
    b.review(session, answers["carol"], "harsh", harsh[1])
    b.review(session, answers["bob"], "generous", generous[0])
    b.review(session, answers["dan"], "generous", generous[1])
    session.commit()
    return ch


def test_bias_correction_reorders_only_when_reviewers_differ(session: Session) -> None:
    # harsh gives 3 and 1 (mean 2); generous gives 5 and 4 (mean 4.5); channel mean 3.25.
    ch = build_biased_week(session, harsh=(3, 1), generous=(5, 4))
    plain = tally_week(session, ch, MON)
    assert [r.user_id for r in plain.rows[:4]] == ["bob", "dan", "alice", "carol"]
    corrected = tally_week(session, ch, MON, rules=ScoringRules(bias_correction=True))
    assert [r.user_id for r in corrected.rows[:4]] == ["alice", "bob", "dan", "carol"]
    alice = corrected.row("alice")
    assert alice is not None and alice.answer_lines[0].raw_quality == 3.0
    assert alice.mean_quality is not None and abs(alice.mean_quality - 4.25) < 1e-9


def test_bias_correction_changes_nothing_without_bias(session: Session) -> None:
    # Both reviewers average 3: nothing to correct, the same points and order.
    ch = build_biased_week(session, harsh=(4, 2), generous=(5, 1))
    plain = tally_week(session, ch, MON)
    corrected = tally_week(session, ch, MON, rules=ScoringRules(bias_correction=True))
    assert ranking(corrected) == ranking(plain)
    assert [r.user_id for r in plain.rows[:4]] == ["bob", "alice", "carol", "dan"]


def test_bias_correction_is_a_channel_setting_off_by_default(session: Session) -> None:
    ch = b.channel(session, scoring={"bias_correction": True, "quality_weight": "3", "nope": 1})
    assert DEFAULT_RULES.bias_correction is False
    rules = rules_for(ch)
    assert rules.bias_correction is True and rules.quality_weight == 3.0
    assert rules.review_credit == DEFAULT_RULES.review_credit


def test_channel_overrides_change_the_points(session: Session) -> None:
    ch = b.channel(session, scoring={"review_credit": 2, "participation": 0.5})
    p = b.post(session, ch, MON)
    a = b.answer(session, p, "alice")
    b.answer(session, p, "bob")
    b.review(session, a, "bob", 4)
    session.commit()
    week = tally_week(session, ch, MON)
    # The channel's mean (4 + 6) / 3 = 3.33; alice Q = (4 + 6.67) / 3 = 3.56: 0.5 + 7.11;
    # bob's unscored answer at 3.33: 0.5 + 6.67, and his review 2.
    assert ranking(week) == [(1, "bob", 9.2), (2, "alice", 7.6)]


def test_mock_rounds_count_for_both_people_active_here(session: Session) -> None:
    ch = b.channel(session)
    b.answer(session, b.post(session, ch, MON), "alice", minutes=1)
    b.answer(session, b.post(session, ch, MON + timedelta(days=1)), "dan", minutes=2)
    # alice's round (mean 4) weighs half an answer in her estimate: (0.5 x 4 + 2 x 3) / 2.5 =
    # 3.2, so 1 + 6.4 for her answer, and 1 for the completed round; dan interviewed: 1.
    b.mock(session, "alice", "dan", 4, utc(2026, 3, 4, 12))
    b.mock(session, "alice", "dan", 5, utc(2026, 3, 9, 12))  # next week: not counted
    b.mock(session, "carol", "bob", 5, utc(2026, 3, 4, 12))  # not active here: no rows
    session.commit()
    week = tally_week(session, ch, MON)
    assert ranking(week) == [(1, "alice", 8.4), (2, "dan", 8.0)]
    alice, dan = week.rows
    assert [m.points for m in alice.mocks] == [1.0] and alice.interviews == 0
    assert dan.interviews == 1 and dan.mocks == []


def test_strongest_and_weakest_need_enough_scores(session: Session) -> None:
    ch = b.channel(session)
    p = b.post(session, ch, MON)
    a = b.answer(session, p, "alice")
    c = b.answer(session, p, "carol")
    for reviewer in ("bob", "dee", "eli", "fox"):  # 4 scores each, 8 per criterion
        b.review(session, a, reviewer, {"focus": 5, "rollout": 2, "outcome": 4})
        b.review(session, c, reviewer, {"focus": 2, "rollout": 1, "outcome": 4})
    session.commit()
    week = tally_week(session, ch, MON)
    assert week.strongest == "outcome" and week.weakest == "rollout"
    assert week.criteria["outcome"] == 4.0 and week.criterion_counts["outcome"] == 8
    assert week.row("alice").strongest == "focus"  # type: ignore[union-attr]
    assert week.row("carol").strongest == "outcome"  # type: ignore[union-attr]


def test_criteria_are_read_for_the_rows_shown_and_the_channel_counts_every_vote(
    session: Session,
) -> None:
    ch = b.channel(session)
    p = b.post(session, ch, MON)
    answerers = [f"u{i:02d}" for i in range(12)]
    for i, user in enumerate(answerers):
        a = b.answer(session, p, user, minutes=i)
        for reviewer in ("bob", "dee", "eli", "fox"):
            b.review(session, a, reviewer, {"focus": 5, "rollout": 1 + i % 4})
    session.commit()
    week = tally_week(session, ch, MON)
    assert len(week.rows) == 16 and len(week.top()) == TOP
    expected = {u: {"focus": 5.0, "rollout": 1.0 + i % 4} for i, u in enumerate(answerers)}
    for r in week.top():
        assert r.criteria == expected.get(r.user_id, {})
        assert all(line.reviewers == 4 for line in r.answer_lines)
    hidden = [r for r in week.rows[TOP:] if r.user_id in expected]
    assert hidden and all(r.criteria == {} for r in hidden)
    # Reviewers are counted for the shown rows only, not left at a wrong number elsewhere.
    assert all(line.reviewers is None for r in hidden for line in r.answer_lines)
    # The channel's means still count every vote, the hidden rows' included.
    assert week.criterion_counts == {"focus": 48, "rollout": 48}
    assert week.criteria == {"focus": 5.0, "rollout": 2.5}
    caller = hidden[-1].user_id
    shown = with_rows_shown(session, week, [caller]).row(caller)
    assert shown is not None and shown.criteria == expected[caller]
    assert shown.criterion_counts == {"focus": 4, "rollout": 4}
    assert [line.reviewers for line in shown.answer_lines] == [4]
    unchanged = week.row(caller)  # the week it was read on top of
    assert unchanged is not None and unchanged.criteria == {}


def test_a_row_read_later_is_bias_corrected_as_the_top_rows_are(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ch = build_biased_week(session, harsh=(3, 1), generous=(5, 4))
    rules = ScoringRules(bias_correction=True)
    everyone_shown = tally_week(session, ch, MON, rules=rules)
    uncorrected = tally_week(session, ch, MON)
    monkeypatch.setattr(tally_module, "TOP", 1)
    week = tally_week(session, ch, MON, rules=rules)
    later = [r for r in week.rows if r.answers][-1]
    assert later.rank > 1 and later.criteria == {}
    read = with_rows_shown(session, week, [later.user_id]).row(later.user_id)
    corrected = everyone_shown.row(later.user_id)
    plain = uncorrected.row(later.user_id)
    assert read is not None and corrected is not None and plain is not None
    assert read.criteria == corrected.criteria != plain.criteria


def test_why_shows_the_named_row_in_full_wherever_it_ranks(session: Session, library: Any) -> None:
    # `/practice leaderboard why @name` explains any row: the service reads that row's
    # criteria and reviewer counts, as it does the caller's.
    ch = b.channel(session)
    p = b.post(session, ch, MON)
    answerers = [f"u{i:02d}" for i in range(12)]
    for i, user in enumerate(answerers):
        b.review(session, b.answer(session, p, user, minutes=i), "rev1", 1 + i % 5)
    session.commit()
    now = utc(2026, 3, 4, 12)
    sessions = b.sessions_like(session)
    week = tally_week(session, ch, MON)
    named = week.rows[-1].user_id
    assert week.rows[-1].rank > TOP and week.rows[-1].answer_lines[0].reviewers is None
    found = leaderboards.standings(
        sessions, "T1", "C1", now, last=False, library=library, caller="rev1", explain=named
    )
    assert found is not None
    row = found.week.row(named)
    assert row is not None and [line.reviewers for line in row.answer_lines] == [1]
    assert row.criteria


def test_few_or_low_scores_name_no_strongest_criterion(session: Session) -> None:
    ch = b.channel(session)
    p = b.post(session, ch, MON)
    a = b.answer(session, p, "alice")
    b.review(session, a, "bob", {"focus": 2, "rollout": 1})  # one reviewer: too few
    session.commit()
    week = tally_week(session, ch, MON)
    assert week.strongest is None and week.weakest is None
    assert week.row("alice").strongest is None  # type: ignore[union-attr]
    ch2 = b.channel(session, channel_id="C2")
    a2 = b.answer(session, b.post(session, ch2, MON), "alice")
    for reviewer in ("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"):
        b.review(session, a2, reviewer, {"focus": 2, "rollout": 1})
    session.commit()
    low = tally_week(session, ch2, MON)
    # Enough scores, but 2.0 out of 5 is nobody's "strongest"; the weakest is still named.
    assert low.strongest is None and low.weakest == "rollout"


def test_movers_are_the_biggest_quality_rises(session: Session) -> None:
    ch = b.channel(session)
    before, after = b.post(session, ch, MON - timedelta(days=7)), b.post(session, ch, MON)
    for user, q0, q1 in (("up", 2, 4), ("flat", 3, 3), ("down", 4, 2), ("bit", 3, 4)):
        b.review(session, b.answer(session, before, user), "rev", q0)
        b.review(session, b.answer(session, after, user), "rev", q1)
    session.commit()
    found = movers(tally_week(session, ch, MON), tally_week(session, ch, MON - timedelta(days=7)))
    assert [(m.user_id, m.delta) for m in found] == [("up", 2.0), ("bit", 1.0)]


def test_criterion_trend_per_week(session: Session) -> None:
    ch = b.channel(session)
    old = b.answer(session, b.post(session, ch, MON - timedelta(days=7)), "alice")
    new = b.answer(session, b.post(session, ch, MON), "alice")
    b.review(session, old, "bob", {"focus": 2})
    b.review(session, new, "bob", {"focus": 4})
    session.commit()
    trend = criterion_trend(session, ch, MON, weeks=3)
    assert trend == [
        (MON - timedelta(days=14), {}),
        (MON - timedelta(days=7), {"focus": 2.0}),
        (MON, {"focus": 4.0}),
    ]


def test_personal_stats(session: Session) -> None:
    ch = build_tie_week(session)
    stats = personal_stats(session, ch, "alice", utc(2026, 3, 4, 16))
    assert stats.rank == 1 and stats.ranked == 12 and stats.last_week_rank is None
    assert stats.reviews_this_week == 0 and stats.reviews_recent == 0
    assert stats.streak == 1 and stats.practised_this_week  # a practice week: this one
    assert stats.trend[-1][1]["focus"] == 3.5


def test_tally_cost_does_not_grow_with_history(session: Session) -> None:
    """Same statements whatever the history; on SQLite, no full scans of the big tables."""
    ch = b.channel(session)
    for week in range(1, 30):
        for day in range(5):
            p = b.post(session, ch, MON - timedelta(weeks=week) + timedelta(days=day))
            a = b.answer(session, p, "old")
            b.review(session, a, "rev", 3)
    build_week = b.post(session, ch, MON)
    b.review(session, b.answer(session, build_week, "alice"), "bob", 4)
    session.commit()

    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        week = tally_week(session, ch, MON, rules=ScoringRules(bias_correction=True))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert [r.user_id for r in week.rows] == ["alice", "bob"]
    assert len(statements) <= 10  # a fixed handful of queries, not one per post or week
    if engine.dialect.name != "sqlite":
        return
    big = ("prompt_posts", "answers", "votes", "review_assignments", "mock_scores")
    for statement, params in statements:
        plan = (
            session.connection()
            .exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", tuple(params or ()))
            .all()
        )
        for line in plan:
            detail = str(line[-1])
            scanned = detail.startswith("SCAN ") and detail.split()[1] in big
            assert not scanned, f"full scan: {detail}\n{statement}"


def test_scoring_settings_are_changed_per_channel_within_limits(session: Session) -> None:
    ch = b.channel(session)
    assert set_channel_setting(ch, "bias-correction", "on").bias_correction is True
    assert set_channel_setting(ch, "review_credit", "2").review_credit == 2.0
    session.commit()
    session.refresh(ch)
    assert ch.scoring == {"bias_correction": True, "review_credit": 2.0}
    set_channel_setting(ch, "review_credit", "1")  # back to the default: override dropped
    assert ch.scoring == {"bias_correction": True}
    for key, raw, says in (
        ("nope", "1", "not a scoring setting"),
        ("bias_correction", "maybe", "on or off"),
        ("quality_weight", "lots", "needs a number"),
        ("mock_weight", "5", "between 0 and 2"),
    ):
        with pytest.raises(ScoringSettingError) as refused:
            set_channel_setting(ch, key, raw)
        assert says in setting_error_text(refused.value)  # the domain's code, in words
    assert reset_channel_settings(ch) == DEFAULT_RULES and ch.scoring is None


def test_tallies_of_one_process_run_one_at_a_time(
    session: Session, library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CPU-bound under the GIL: concurrent tallies only slow the acks down (docs/benchmarks.md).
    b.channel(session)
    sessions = b.sessions_like(session)
    running: list[int] = []
    most = [0]
    lock = threading.Lock()
    release = threading.Event()

    def tally(*args: Any, **kwargs: Any) -> Any:
        with lock:
            running.append(1)
            most[0] = max(most[0], len(running))
        release.wait(0.2)  # long enough for every caller to arrive
        with lock:
            running.pop()
        return real_tally(*args, **kwargs)

    real_tally = leaderboards.tally_week
    monkeypatch.setattr(leaderboards, "tally_week", tally)
    now = utc(2026, 3, 4, 12)
    found: list[object] = []
    callers = [
        threading.Thread(
            target=lambda: found.append(
                leaderboards.standings(sessions, "T1", "C1", now, last=False, library=library)
            )
        )
        for _ in range(3)
    ]
    for t in callers:
        t.start()
    for t in callers:
        t.join(timeout=10)
    assert len(found) == 3 and all(f is not None for f in found)
    assert most[0] == 1
