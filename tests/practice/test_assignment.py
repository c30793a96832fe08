"""Property and example tests for the skeptic reviewer assignment.

What the balance assertions state precisely (see `assign_reviewers`' docstring):
  * with one answer per author, every answerer reviews exactly ``a = min(t, answerers - 1)``
    answers, where ``t = min(per_answer, answerers + volunteers - 1)``;
  * volunteer loads (over all volunteers who did not answer, zeros included) differ by <= 1;
  * when no volunteer is needed, the spread over all reviewers is <= 1 (in fact 0).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.practice.assignment import (
    ANSWERER,
    VOLUNTEER,
    AnswerRef,
    AssignmentPlan,
    assign_reviewers,
    reviewer_loads,
)

NAMES = [f"u{i:02d}" for i in range(40)]


def repeats(plan: AssignmentPlan, answers: list[AnswerRef], pairs: object) -> int:
    author = {a.answer_id: a.author for a in answers}
    return sum(1 for x in plan.assignments if (x.reviewer, author[x.answer_id]) in pairs)


def check_common(
    plan: AssignmentPlan, answers: list[AnswerRef], per_answer: int, volunteers: list[str]
) -> None:
    """Rules that hold for every input: safety, exact counts, short, answerers first."""
    author = {a.answer_id: a.author for a in answers}
    answerers = set(author.values())
    vols = set(volunteers) - answerers
    t = min(per_answer, len(answerers) + len(vols) - 1) if answers else 0
    by_answer: dict[int, list[str]] = defaultdict(list)
    for x in plan.assignments:
        assert x.reviewer != author[x.answer_id], "self review"
        assert x.source == (ANSWERER if x.reviewer in answerers else VOLUNTEER)
        assert x.reviewer in answerers | vols
        by_answer[x.answer_id].append(x.reviewer)
    for answer_id in author:
        got = by_answer.get(answer_id, [])
        assert len(got) == len(set(got)), "duplicate reviewer on one answer"
        assert len(got) == t
        from_answerers = sum(1 for r in got if r in answerers)
        assert from_answerers == min(t, len(answerers) - 1), "answerers must be used first"
    expected_short = {i: per_answer - t for i in author} if t < per_answer else {}
    assert plan.short == expected_short


def check_volunteer_balance(plan: AssignmentPlan, answers: list[AnswerRef], vols: list[str]):
    loads = reviewer_loads(plan)
    volunteer_only = sorted(set(vols) - {a.author for a in answers})
    if volunteer_only and any(loads[v] for v in volunteer_only):
        spread = [loads[v] for v in volunteer_only]
        assert max(spread) - min(spread) <= 1


pools = st.fixed_dictionaries(
    {
        "n": st.integers(0, 24),
        "per_answer": st.integers(0, 5),
        "volunteers": st.lists(st.sampled_from(NAMES), max_size=6, unique=True),
        "pair_ids": st.lists(
            st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=60, unique=True
        ),
        "weighted": st.booleans(),
        "seed": st.integers(0, 10**6) | st.text(max_size=10),
    }
)


@settings(max_examples=2000, deadline=None)
@given(pools)
def test_one_answer_per_author_properties(pool: dict) -> None:
    n, k, vols, seed = pool["n"], pool["per_answer"], pool["volunteers"], pool["seed"]
    answers = [AnswerRef(100 + i, NAMES[i]) for i in range(n)]
    pairs = [(NAMES[a], NAMES[b]) for a, b in pool["pair_ids"] if a != b]
    recent: object = {p: 1 + i % 3 for i, p in enumerate(pairs)} if pool["weighted"] else pairs
    plan = assign_reviewers(answers, per_answer=k, volunteers=vols, recent_pairs=recent, seed=seed)
    check_common(plan, answers, k, vols)
    check_volunteer_balance(plan, answers, vols)

    loads = reviewer_loads(plan)
    answerers = [a.author for a in answers]
    vols_only = set(vols) - set(answerers)
    t = min(k, n + len(vols_only) - 1) if n else 0
    a = min(t, n - 1) if n else 0
    # Perfect answerer balance: the rotation gives everyone exactly a reviews.
    assert all(loads[name] == a for name in answerers)
    if t == a:  # no volunteer needed: none used, overall spread <= 1
        assert not any(loads[v] for v in vols_only)
        if loads:
            assert max(loads.values()) - min(loads.values()) <= 1

    # Recent pairs never make it worse than ignoring them (same seed), and are deterministic.
    baseline = assign_reviewers(answers, per_answer=k, volunteers=vols, seed=seed)
    assert repeats(plan, answers, set(pairs)) <= repeats(baseline, answers, set(pairs))
    again = assign_reviewers(answers, per_answer=k, volunteers=vols, recent_pairs=recent, seed=seed)
    assert again == plan


@settings(max_examples=300, deadline=None)
@given(
    authors=st.lists(st.sampled_from(NAMES[:8]), min_size=1, max_size=20),
    per_answer=st.integers(0, 4),
    volunteers=st.lists(st.sampled_from(NAMES), max_size=5, unique=True),
    seed=st.integers(0, 1000),
)
def test_several_answers_by_one_author_still_safe(
    authors: list[str], per_answer: int, volunteers: list[str], seed: int
) -> None:
    # Not the normal case (one answer per member), but it must never produce a bad plan.
    answers = [AnswerRef(i, name) for i, name in enumerate(authors)]
    recent = [(authors[i - 1], authors[i]) for i in range(1, len(authors))]
    plan = assign_reviewers(
        answers, per_answer=per_answer, volunteers=volunteers, recent_pairs=recent, seed=seed
    )
    check_common(plan, answers, per_answer, volunteers)
    check_volunteer_balance(plan, answers, volunteers)


def brute_force_pair_free_exists(n: int, k: int, pairs: set[tuple[str, str]]) -> bool:
    """Is there a plan where every answerer reviews exactly k answers and no pair repeats?"""
    options = [[c for c in itertools.combinations(range(n), k) if i not in c] for i in range(n)]
    for choice in itertools.product(*options):
        loads = Counter(r for c in choice for r in c)
        if all(loads[p] == k for p in range(n)) and not any(
            (NAMES[r], NAMES[i]) in pairs for i, c in enumerate(choice) for r in c
        ):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(2, 5),
    k=st.integers(1, 2),
    pair_ids=st.sets(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=14),
    seed=st.integers(0, 1000),
)
def test_small_pools_avoid_recent_pairs_whenever_possible(
    n: int, k: int, pair_ids: set[tuple[int, int]], seed: int
) -> None:
    k = min(k, n - 1)
    pairs = {(NAMES[a], NAMES[b]) for a, b in pair_ids if a != b and a < n and b < n}
    answers = [AnswerRef(i, NAMES[i]) for i in range(n)]
    plan = assign_reviewers(answers, per_answer=k, recent_pairs=pairs, seed=seed)
    if brute_force_pair_free_exists(n, k, pairs):
        assert repeats(plan, answers, pairs) == 0


def test_last_weeks_rotation_is_avoided() -> None:
    # Everyone met the next two people last week; a different balanced plan obviously exists.
    n = 10
    answers = [AnswerRef(i, NAMES[i]) for i in range(n)]
    pairs = {(NAMES[(i + d) % n], NAMES[i]) for i in range(n) for d in (1, 2)}
    for seed in range(20):
        plan = assign_reviewers(answers, per_answer=2, recent_pairs=pairs, seed=seed)
        assert repeats(plan, answers, pairs) == 0
        assert set(reviewer_loads(plan).values()) == {2}


def test_large_pool_avoids_previous_plans() -> None:
    answers = [AnswerRef(i, f"m{i}") for i in range(500)]
    author = {a.answer_id: a.author for a in answers}
    recent: Counter[tuple[str, str]] = Counter()
    for day in range(5):  # five earlier days of pairings
        earlier = assign_reviewers(answers, per_answer=2, seed=f"day{day}")
        recent.update((x.reviewer, author[x.answer_id]) for x in earlier.assignments)
    plan = assign_reviewers(answers, per_answer=2, recent_pairs=recent, seed="today")
    assert repeats(plan, answers, recent) == 0
    assert set(reviewer_loads(plan).values()) == {2}


def test_fewer_repeats_beats_lower_weight_then_lower_weight_wins() -> None:
    # Three answerers, one reviewer each: the only balanced plans are the two 3-cycles.
    answers = [AnswerRef(i, name) for i, name in enumerate("abc")]
    cycle_1 = {("b", "a"), ("c", "b"), ("a", "c")}  # b reviews a, c reviews b, a reviews c
    cycle_2 = {("c", "a"), ("a", "b"), ("b", "c")}
    for seed in range(10):
        # One heavy repeat is better than two light ones.
        recent = {("b", "a"): 9, ("c", "a"): 1, ("a", "b"): 1}
        plan = assign_reviewers(answers, per_answer=1, recent_pairs=recent, seed=seed)
        got = {(x.reviewer, "abc"[x.answer_id]) for x in plan.assignments}
        assert got == cycle_1
        # Same number of repeats: the lighter one wins.
        recent = {("b", "a"): 3, ("c", "a"): 2}
        plan = assign_reviewers(answers, per_answer=1, recent_pairs=recent, seed=seed)
        got = {(x.reviewer, "abc"[x.answer_id]) for x in plan.assignments}
        assert got == cycle_2


def test_different_seeds_give_varied_plans() -> None:
    answers = [AnswerRef(i, NAMES[i]) for i in range(8)]
    plans = {assign_reviewers(answers, per_answer=2, seed=s).assignments for s in range(20)}
    assert len(plans) > 5
    assert assign_reviewers(answers, per_answer=2, seed="x") == assign_reviewers(
        list(reversed(answers)), per_answer=2, seed="x"
    )


def test_single_answerer_without_volunteers_is_short() -> None:
    plan = assign_reviewers([AnswerRef(7, "solo")], per_answer=2, seed=1)
    assert plan.assignments == ()
    assert plan.short == {7: 2}


def test_volunteers_fill_small_pools() -> None:
    answers = [AnswerRef(1, "ann"), AnswerRef(2, "bob")]
    plan = assign_reviewers(answers, per_answer=3, volunteers=["vic", "val", "ann"], seed=3)
    check_common(plan, answers, 3, ["vic", "val", "ann"])
    assert plan.short == {}
    reviewers: dict[int, set[str]] = defaultdict(set)
    for x in plan.assignments:
        reviewers[x.answer_id].add(x.reviewer)
    assert reviewers == {1: {"bob", "vic", "val"}, 2: {"ann", "vic", "val"}}
    sources = {(x.reviewer, x.source) for x in plan.assignments}
    assert ("ann", ANSWERER) in sources and ("vic", VOLUNTEER) in sources
    # With one volunteer, one reviewer is missing everywhere.
    plan = assign_reviewers(answers, per_answer=3, volunteers=["vic"], seed=3)
    assert plan.short == {1: 1, 2: 1}
    assert reviewer_loads(plan) == Counter({"ann": 1, "bob": 1, "vic": 2})


def test_thousand_answers_two_hundred_volunteers_balanced() -> None:
    answers = [AnswerRef(i, f"member{i}") for i in range(1000)]
    volunteers = [f"vol{i}" for i in range(200)]
    plan = assign_reviewers(answers, per_answer=2, volunteers=volunteers, seed="2026-11-25")
    check_common(plan, answers, 2, volunteers)
    loads = reviewer_loads(plan)
    assert len(plan.assignments) == 2000
    assert all(loads[a.author] == 2 for a in answers)  # everyone reviews exactly two
    assert not any(loads[v] for v in volunteers)  # enough answerers: volunteers stay free
    assert max(loads.values()) - min(loads.values()) == 0
