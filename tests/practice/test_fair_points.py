"""The fairness rules of docs/scoring.md's "Points, in words", as properties of the formula."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.practice.leaderboard.week import TOP, Row, Week
from bot.practice.scoring import (
    DEFAULT_RULES,
    MIN_CHANNEL_CRITERION_SCORES,
    STRONG_FROM,
    ScoringRules,
    exact_points,
    notable_criteria,
    points,
    quality_estimate,
    tie_break_key,
)

score = st.floats(min_value=1.0, max_value=5.0, allow_nan=False)
means = st.lists(score, max_size=6)
rules = st.builds(
    ScoringRules,
    quality_weight=st.floats(0.0, 10.0),
    participation=st.floats(0.0, 10.0),
    review_credit=st.floats(0.0, 10.0),
    missed_review=st.floats(0.0, 10.0),
    mock_weight=st.floats(0.0, 2.0),
    shrinkage=st.floats(0.0, 20.0),
)
activity = st.fixed_dictionaries(
    {
        "reviews": st.integers(0, 6),
        "missed": st.integers(0, 3),
        "interviews": st.integers(0, 3),
        "mock_means": st.lists(score, max_size=3),
        "prior": score,
    }
)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


@given(rules, means, st.integers(0, 3), activity)
def test_an_unscored_answer_counts_as_scored_at_the_authors_estimate(
    r: ScoringRules, scored: list[float], unscored: int, act: dict
) -> None:
    """Neither sinks nor lifts: leaving an answer unscored gives the author exactly the points
    of that answer scored at the author's own estimate."""
    answers: list[float | None] = [*scored, *([None] * unscored)]
    estimate = quality_estimate(r, scored, act["mock_means"], act["prior"])
    if scored or act["mock_means"] or r.shrinkage > 0:
        as_if_scored: list[float | None] = [*scored, *([estimate] * unscored)]
        assert close(
            exact_points(r, answer_means=answers, **act),
            exact_points(r, answer_means=as_if_scored, **act),
        )
    with_one_more = exact_points(r, answer_means=[*answers, None], **act)
    assert with_one_more >= exact_points(r, answer_means=answers, **act) - 1e-9


@given(means, st.integers(0, 3), activity)
def test_points_from_answering_do_not_wait_for_reviewers(
    scored: list[float], unscored: int, act: dict
) -> None:
    """With the default rules every on-time answer earns at least 1 + 2 x 1 points."""
    answers: list[float | None] = [*scored, *([None] * unscored)]
    earned = exact_points(DEFAULT_RULES, answer_means=answers, **act)
    act_only = exact_points(DEFAULT_RULES, answer_means=[], **act)
    assert earned - act_only >= 3.0 * len(answers) - 1e-9


@given(rules, st.integers(1, 5), st.integers(0, 3), activity, st.data())
def test_higher_mean_quality_never_ranks_lower_for_the_same_activity(
    r: ScoringRules, n_scored: int, unscored: int, act: dict, data: st.DataObject
) -> None:
    first = data.draw(st.lists(score, min_size=n_scored, max_size=n_scored))
    second = data.draw(st.lists(score, min_size=n_scored, max_size=n_scored))
    if sum(first) < sum(second):
        first, second = second, first  # `first` has the higher (or equal) mean
    keys = []
    for scored in (first, second):
        answers: list[float | None] = [*scored, *([None] * unscored)]
        total = points(r, answer_means=answers, **act)
        quality = quality_estimate(r, scored, act["mock_means"], act["prior"])
        # The same first answer time: only points, answers and quality can separate them.
        keys.append(tie_break_key(total, len(answers), quality, None))
    better, worse = keys
    assert better <= worse or close(sum(first), sum(second))


@given(rules, means, activity)
def test_a_completed_mock_round_counts_for_the_interviewer_like_a_review(
    r: ScoringRules, scored: list[float], act: dict
) -> None:
    interviewed = {**act, "interviews": act["interviews"] + 1}
    reviewed = {**act, "reviews": act["reviews"] + 1}
    assert close(
        exact_points(r, answer_means=scored, **interviewed),
        exact_points(r, answer_means=scored, **reviewed),
    )


@given(
    st.dictionaries(
        st.sampled_from(["focus", "outcome", "rollout", "measurement"]), score, min_size=1
    ),
    st.data(),
)
def test_strongest_and_weakest_need_enough_scores_and_a_real_gap(
    criteria: dict[str, float], data: st.DataObject
) -> None:
    counts = {c: data.draw(st.integers(0, 12)) for c in criteria}
    best, worst = notable_criteria(criteria, counts, MIN_CHANNEL_CRITERION_SCORES)
    for named in (best, worst):
        assert named is None or counts[named] >= MIN_CHANNEL_CRITERION_SCORES
    if best is not None:
        assert criteria[best] >= STRONG_FROM
        assert all(
            criteria[best] >= criteria[c]
            for c in criteria
            if counts[c] >= MIN_CHANNEL_CRITERION_SCORES
        )
    if best is not None and worst is not None:
        assert criteria[best] > criteria[worst]


@given(
    st.lists(st.floats(0.0, 60.0), min_size=1, max_size=14),
    st.sets(st.integers(0, 13)),
    st.integers(0, 13),
)
def test_an_unlisted_member_is_counted_but_not_named_and_moves_nobody(
    points_by_person: list[float], unlisted_at: set[int], caller_at: int
) -> None:
    """Choosing not to be listed changes no points and no rank (the places keep their numbers);
    the board leaves only those rows out, says how many, and never hides the caller's own."""
    people = [f"U{i:02d}" for i in range(len(points_by_person))]
    rows = sorted(
        (Row(user_id=u, points=p) for u, p in zip(people, points_by_person, strict=True)),
        key=Row.sort_key,
    )
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    before = [(r.user_id, r.points, r.rank) for r in rows]
    week = Week(1, date(2026, 3, 2), DEFAULT_RULES, rows, {})
    week.unlisted = frozenset(people[i] for i in unlisted_at if i < len(people))
    caller = people[caller_at % len(people)]

    shown = week.top_named(TOP, caller)
    assert [(r.user_id, r.points, r.rank) for r in week.rows] == before
    assert len(shown) + week.unnamed_in_top(TOP, caller) == len(week.top(TOP))
    assert all(r.user_id not in week.unlisted or r.user_id == caller for r in shown)
    assert [r.rank for r in shown] == sorted(r.rank for r in shown)
    if any(r.user_id == caller for r in week.top(TOP)):
        assert any(r.user_id == caller for r in shown)
