"""Assignment at scale: `assign_reviewers` for 1,000 answers and 200 volunteers, two reviewers
each, with a week of recently met pairs to avoid. Baseline: the same call without recent pairs
(the seeded rotation alone, the cheapest plan the rules allow)."""

from __future__ import annotations

import statistics
import time
from collections import Counter

from bench.table import Row
from bot.practice.assignment import ANSWERER, AnswerRef, assign_reviewers, reviewer_loads

ANSWERS = 1000
VOLUNTEERS = 200
PER_ANSWER = 2


def _case(day: int) -> tuple[list[AnswerRef], list[str]]:
    # 1,000 answers from a 1,200-member pool: who answers changes from day to day.
    authors = [f"U{(day * 173 + i) % 1200:05d}" for i in range(ANSWERS)]
    answers = [AnswerRef(day * 10_000 + i, a) for i, a in enumerate(authors)]
    volunteers = [f"V{i:04d}" for i in range(VOLUNTEERS)]
    return answers, volunteers


def _recent_pairs() -> Counter[tuple[str, str]]:
    """Pairs from the five previous days' plans, with how often they met."""
    pairs: Counter[tuple[str, str]] = Counter()
    for day in range(1, 6):
        answers, volunteers = _case(day)
        authors = {a.answer_id: a.author for a in answers}
        plan = assign_reviewers(answers, per_answer=PER_ANSWER, volunteers=volunteers, seed=day)
        pairs.update((a.reviewer, authors[a.answer_id]) for a in plan.assignments)
    return pairs


def _balanced(answers: list[AnswerRef], plan: object) -> bool:
    """The rules: every answer gets 2 reviewers, never its author; answerer loads equal."""
    authors = {a.answer_id: a.author for a in answers}
    per_answer = Counter(a.answer_id for a in plan.assignments)  # type: ignore[attr-defined]
    if any(per_answer[a.answer_id] != PER_ANSWER for a in answers):
        return False
    if any(a.reviewer == authors[a.answer_id] for a in plan.assignments):  # type: ignore[attr-defined]
        return False
    loads = reviewer_loads(plan)  # type: ignore[arg-type]
    answerer_loads = [
        n for r, n in loads.items()
        if any(a.reviewer == r and a.source == ANSWERER for a in plan.assignments)  # type: ignore[attr-defined]
    ]  # fmt: skip
    return max(loads.values()) - min(answerer_loads) <= 1


def _time(call: object, runs: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def run(quick: bool, log: list[str]) -> list[Row]:
    answers, volunteers = _case(0)
    recent = _recent_pairs()
    runs = 3 if quick else 5
    ours, plan = _time(
        lambda: assign_reviewers(
            answers, per_answer=PER_ANSWER, volunteers=volunteers, recent_pairs=recent, seed=0
        ),
        runs,
    )
    base, base_plan = _time(
        lambda: assign_reviewers(answers, per_answer=PER_ANSWER, volunteers=volunteers, seed=0),
        runs,
    )
    authors = {a.answer_id: a.author for a in answers}
    repeats = sum(
        1
        for a in plan.assignments
        if (a.reviewer, authors[a.answer_id]) in recent  # type: ignore[attr-defined]
    )
    base_repeats = sum(
        1
        for a in base_plan.assignments
        if (a.reviewer, authors[a.answer_id]) in recent  # type: ignore[attr-defined]
    )
    balanced = _balanced(answers, plan)
    log.append(
        f"assignment: {len(recent)} recent pairs; repeats {repeats} (rotation alone "
        f"{base_repeats}); balance bound held: {balanced}"
    )
    return [
        Row(
            "assignment at scale",
            "-",
            "1,000 answers, 200 volunteers, recent pairs (median)",
            ours,
            base,
            "ms",
            "< 1 s, balance held",
            ours < 1000 and balanced,
            f"repeats {repeats} vs {base_repeats}; baseline: no recent pairs",
        ),
    ]
