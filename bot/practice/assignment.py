"""Skeptic reviewer assignment: a pure function over plain data.

No database, no Slack, no clock and no global random state: the caller passes the answers, the
volunteers, the recently met pairs and a seed (for example the practice date), and gets back the
same plan every time for the same input.

`assign_reviewers`:

Pool: the *answerers* are the distinct authors in `answers`; *volunteers* are the given
volunteers who did not answer (a volunteer who answered counts as an answerer).

Counts: every answer gets ``t = min(per_answer, answerers + volunteers - 1)`` reviewers
(the pool minus its author). When ``t < per_answer`` the answer is listed in ``short``
with the gap ``per_answer - t``; e.g. a lone answerer without volunteers is short by
``per_answer``.

Answerers first: each answer gets ``a = min(t, answerers - 1)`` answerer reviewers (as many
as exist) and only the remaining ``t - a`` come from volunteers, so volunteers are used only
when there are not enough answerers (``per_answer >= answerers``).

Balance rule (when every author has exactly one answer, the normal case):
  * every answerer reviews exactly ``a`` answers (a seeded random rotation: the answer at
    position i of a shuffled cycle is reviewed by the next ``a`` authors in the cycle);
  * the volunteers share the remaining ``n * (t - a)`` reviews so that their loads differ by
    at most 1 (they are dealt round-robin from a seeded shuffled order);
  * hence the max-min spread of loads is 0 among answerers and at most 1 among volunteers;
    over all reviewers it is at most 1 whenever no volunteer is needed. (When volunteers
    are needed every answerer already reviews every other answer, so nobody could take a
    review off a volunteer's hands; the two groups are balanced separately.)
If an author has several answers the answerers are given greedily to the least loaded ones
and then rebalanced by moves; counts and the volunteer bound still hold, the answerer
spread is best effort.

Recent pairs: `recent_pairs` holds (reviewer, author) pairs that met recently, optionally
with a count. Among plans that obey the rules above, the function minimises the number of
repeated pairs, then their total count, by comparing several seeded rotations and then
swapping reviewers between answers (and moving reviews to a less loaded reviewer of the same
group) while that lowers the cost. Small groups (at most 48 reviewer slots and 200 reviewer
subsets per answer, e.g. up to 20 answerers at per_answer=2) are then searched by branch
and bound over all plans with the same per-reviewer loads (capped at 3,000 nodes; tiny
pools finish well within it), so a pair-free plan with those loads is found when one
exists. Larger groups get the local search only. Either way the result never has more
repeats than the rotation the same seed gives without any recent pairs.

Deterministic for a given input and seed; different seeds give different pairings.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.practice.assignment_search import Cost, exact, improve, rebalance

ANSWERER = "answerer"
VOLUNTEER = "volunteer"

# How many random starting rotations to compare when recent pairs exist, and how much checking
# that may do; keeps 5,000 answers well inside the time budget.
_MAX_START_ORDERS = 8
_START_ORDER_WORK = 40_000


@dataclass(frozen=True)
class AnswerRef:
    answer_id: int
    author: str


@dataclass(frozen=True)
class Assignment:
    answer_id: int
    reviewer: str
    source: str  # "answerer" | "volunteer"


@dataclass(frozen=True)
class AssignmentPlan:
    assignments: tuple[Assignment, ...]
    # answer_id -> how many reviewers it is missing; only answers that got fewer than asked.
    short: dict[int, int]


def reviewer_loads(plan: AssignmentPlan) -> Counter[str]:
    """How many answers each reviewer was given."""
    return Counter(a.reviewer for a in plan.assignments)


def assign_reviewers(
    answers: Sequence[AnswerRef],
    *,
    per_answer: int,
    volunteers: Collection[str] = (),
    recent_pairs: Mapping[tuple[str, str], int] | Collection[tuple[str, str]] = (),
    seed: int | str = 0,
) -> AssignmentPlan:
    """Give every answer `per_answer` distinct skeptic reviewers, never its own author.

    The rules (pool, counts, balance, recent pairs) are in the module docstring.
    """
    if per_answer < 0:
        raise ValueError("per_answer must be >= 0")
    ordered = sorted(answers, key=lambda a: a.answer_id)
    ids = [a.answer_id for a in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate answer_id in answers")
    if not ordered or per_answer == 0:
        return AssignmentPlan(assignments=(), short={})

    authors = [a.author for a in ordered]
    answerers = sorted(set(authors))
    answerer_set = set(answerers)
    vols = sorted(set(volunteers) - answerer_set)
    n, m = len(ordered), len(answerers)
    t = min(per_answer, m + len(vols) - 1)
    a_count = min(t, m - 1)
    v_count = t - a_count
    cost = _cost_function(recent_pairs)
    # Separate streams so that adding recent pairs never changes the baseline rotation.
    rng_order = random.Random(f"{seed!r}/answerers")
    rng_vol = random.Random(f"{seed!r}/volunteers")
    rng_search = random.Random(f"{seed!r}/search")

    if len(answerer_set) == n:
        answerer_rows = _rotation_rows(authors, a_count, cost, rng_order)
    else:
        answerer_rows = _greedy_rows(authors, answerers, a_count, rng_order)
        rebalance(authors, answerer_rows, answerers, rng_search)
    volunteer_rows = _round_robin_rows(n, vols, v_count, rng_vol)

    if cost is not None:
        for rows, people in ((answerer_rows, answerers), (volunteer_rows, vols)):
            improve(authors, rows, people, cost, rng_search)
            exact(authors, rows, cost)

    assignments: list[Assignment] = []
    for i, ref in enumerate(ordered):
        assignments.extend(Assignment(ref.answer_id, r, ANSWERER) for r in answerer_rows[i])
        assignments.extend(Assignment(ref.answer_id, r, VOLUNTEER) for r in volunteer_rows[i])
    short = {ref.answer_id: per_answer - t for ref in ordered} if t < per_answer else {}
    return AssignmentPlan(assignments=tuple(assignments), short=short)


def _cost_function(
    recent_pairs: Mapping[tuple[str, str], int] | Collection[tuple[str, str]],
) -> Cost | None:
    """Cost of reviewer r on author a's answer: one 'big' unit per repeated pair plus its count.

    The big unit exceeds the total of all counts, so the number of repeats always dominates.
    """
    if isinstance(recent_pairs, Mapping):
        weights = {pair: int(w) for pair, w in recent_pairs.items() if w > 0}
    else:
        weights = {pair: 1 for pair in recent_pairs}
    if not weights:
        return None
    big = sum(weights.values()) + 1

    def cost(reviewer: str, author: str) -> int:
        w = weights.get((reviewer, author))
        return 0 if w is None else big + w

    return cost


def _rotation_rows(
    authors: list[str], k: int, cost: Cost | None, rng: random.Random
) -> list[list[str]]:
    """One answer per author: answer of cycle position p is reviewed by positions p+1..p+k.

    Every author then reviews exactly k answers and never their own (k < n). With recent
    pairs, a few more shuffles are tried and the cheapest kept; the first shuffle is the one
    used without recent pairs, so the result is never worse than that baseline.
    """
    n = len(authors)
    if k == 0:
        return [[] for _ in range(n)]
    tries = 1
    if cost is not None:
        tries = max(1, min(_MAX_START_ORDERS, _START_ORDER_WORK // (n * k)))
    best: list[list[str]] | None = None
    best_cost = 0
    index = {author: i for i, author in enumerate(authors)}
    for _ in range(tries):
        cycle = sorted(authors)
        rng.shuffle(cycle)
        rows: list[list[str]] = [[] for _ in range(n)]
        for p, author in enumerate(cycle):
            rows[index[author]] = [cycle[(p + d) % n] for d in range(1, k + 1)]
        total = 0
        if cost is not None:
            total = sum(cost(r, authors[i]) for i, row in enumerate(rows) for r in row)
        if best is None or total < best_cost:
            best, best_cost = rows, total
        if best_cost == 0:
            break
    assert best is not None
    return best


def _round_robin_rows(n: int, people: list[str], k: int, rng: random.Random) -> list[list[str]]:
    """Deal k reviewers per answer from a shuffled cycle; loads differ by at most 1.

    Answer i takes positions i*k .. i*k+k-1 modulo len(people), which are distinct as k <= len.
    """
    if k == 0 or not people:
        return [[] for _ in range(n)]
    cycle = list(people)
    rng.shuffle(cycle)
    size = len(cycle)
    return [[cycle[(i * k + d) % size] for d in range(k)] for i in range(n)]


def _greedy_rows(
    authors: list[str], people: list[str], k: int, rng: random.Random
) -> list[list[str]]:
    """Fallback when an author has several answers: least loaded eligible answerers first.

    A heap keyed by (load, random tie-break) keeps this O(answers * k * log people).
    """
    n = len(authors)
    rows: list[list[str]] = [[] for _ in range(n)]
    if k == 0:
        return rows
    heap = [(0, rng.random(), p) for p in people]
    heapq.heapify(heap)
    # Authors with many answers are the most constrained, so serve their answers first.
    per_author = Counter(authors)
    order = sorted(range(n), key=lambda i: (-per_author[authors[i]], authors[i], i))
    for i in order:
        taken: list[tuple[int, float, str]] = []
        skipped: list[tuple[int, float, str]] = []
        while len(taken) < k:
            item = heapq.heappop(heap)
            (skipped if item[2] == authors[i] else taken).append(item)
        rows[i] = [p for _, _, p in taken]
        for load, tie, p in taken:
            heapq.heappush(heap, (load + 1, tie, p))
        for item in skipped:
            heapq.heappush(heap, item)
    return rows
