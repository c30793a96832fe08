"""Improving a reviewer plan: moves that even out loads, swaps that avoid recent pairs, and a
bounded exact search for small groups (used by `bot.practice.assignment.assign_reviewers`)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from math import comb

Cost = Callable[[str, str], int]

# How much candidate checking the local search may do; keeps 5,000 answers well inside the time
# budget.
_SWAP_WORK = 400_000
_MAX_PASSES = 6
# Small groups are finished with an exhaustive branch-and-bound search, capped in nodes.
_EXACT_MAX_SLOTS = 48
_EXACT_MAX_NODES = 3_000
_EXACT_MAX_COMBOS = 200  # reviewer subsets per answer; beyond that, skip the exact search


def rebalance(
    authors: list[str], rows: list[list[str]], people: list[str], rng: random.Random
) -> None:
    """Move reviews from the most to the least loaded answerer while one is eligible.

    Best effort (only used when an author has several answers): stops when no single move
    from a most loaded to a least loaded answerer is allowed.
    """
    if not people:
        return
    loads = Counter({p: 0 for p in people})
    where: dict[str, list[int]] = {p: [] for p in people}
    for i, row in enumerate(rows):
        loads.update(row)
        for r in row:
            where[r].append(i)
    for _ in range(len(rows)):
        hi, lo = max(loads.values()), min(loads.values())
        if hi - lo <= 1:
            return
        low = [p for p in people if loads[p] == lo]
        high = [p for p in people if loads[p] == hi]
        move = next(
            (
                (r, i, u)
                for r in high
                for i in where[r]
                for u in low[:64]
                if u != authors[i] and u not in rows[i]
            ),
            None,
        )
        if move is None:
            return
        r, i, u = move
        rows[i][rows[i].index(r)] = u
        where[r].remove(i)
        where[u].append(i)
        loads[r] -= 1
        loads[u] += 1


def improve(
    authors: list[str],
    rows: list[list[str]],
    people: list[str],
    cost: Cost,
    rng: random.Random,
) -> None:
    """Local search lowering the recent-pair cost within one group of reviewers.

    Two moves keep every rule intact: swapping the reviewers of two answers (loads unchanged),
    and handing a review to a reviewer of the same group whose load is lower (their loads just
    trade places or get closer, so the spread never grows).
    """
    search = _LocalSearch(authors, rows, people, cost, rng)
    if not search.slots:
        return
    for _ in range(_MAX_PASSES):
        if not search.improve_once():
            return


@dataclass
class _LocalSearch:
    """The rows being improved (in place), with each row's reviewers as a set and everyone's
    load."""

    authors: list[str]
    rows: list[list[str]]
    people: list[str]
    cost: Cost
    rng: random.Random
    slots: list[tuple[int, int]] = field(init=False)
    sets: list[set[str]] = field(init=False)
    loads: Counter[str] = field(init=False)

    def __post_init__(self) -> None:
        self.slots = [(i, j) for i, row in enumerate(self.rows) for j in range(len(row))]
        self.sets = [set(row) for row in self.rows]
        self.loads = Counter({p: 0 for p in self.people})
        for row in self.rows:
            self.loads.update(row)

    def improve_once(self) -> bool:
        """One pass over the slots with a recent pair; whether any move or swap was made."""
        rows, authors = self.rows, self.authors
        bad = [(i, j) for i, j in self.slots if self.cost(rows[i][j], authors[i]) > 0]
        if not bad:
            return False
        self.rng.shuffle(bad)
        limit = min(len(self.slots), max(64, _SWAP_WORK // len(bad)))
        improved = False
        lowest = min(self.loads.values(), default=0)
        for i, j in bad:
            r = rows[i][j]
            if self.cost(r, authors[i]) == 0:
                continue  # an earlier swap already fixed it
            # Moves only help when someone in the group carries less than r (not in a rotation).
            if self.loads[r] > lowest and self.try_move(i, j, limit):
                improved = True
                lowest = min(self.loads.values())
                continue
            if self.try_swap(i, j, limit):
                improved = True
        return improved

    def try_swap(self, i: int, j: int, limit: int) -> bool:
        """Swap slot (i, j)'s reviewer with another answer's when that lowers the total cost."""
        rows, sets, cost = self.rows, self.sets, self.cost
        r, author = rows[i][j], self.authors[i]
        current = cost(r, author)
        if limit < len(self.slots):
            candidates = self.rng.sample(self.slots, limit)
        else:
            candidates = list(self.slots)
            self.rng.shuffle(candidates)
        for b, q in candidates:
            if b == i:
                continue
            s, other = rows[b][q], self.authors[b]
            if s == author or r == other or s in sets[i] or r in sets[b]:
                continue
            delta = cost(r, other) + cost(s, author) - current - cost(s, other)
            if delta < 0:
                rows[i][j], rows[b][q] = s, r
                sets[i].discard(r)
                sets[i].add(s)
                sets[b].discard(s)
                sets[b].add(r)
                return True
        return False

    def try_move(self, i: int, j: int, limit: int) -> bool:
        """Hand slot (i, j) to a cheaper reviewer whose load is lower than the current one's."""
        r, author = self.rows[i][j], self.authors[i]
        current = self.cost(r, author)
        if not self.people:
            return False
        loads = self.loads
        for u in self.rng.sample(self.people, min(limit, len(self.people))):
            if loads[u] >= loads[r] or u == author or u in self.sets[i]:
                continue
            if self.cost(u, author) < current:
                self.rows[i][j] = u
                self.sets[i].discard(r)
                self.sets[i].add(u)
                loads[r] -= 1
                loads[u] += 1
                return True
        return False


def exact(authors: list[str], rows: list[list[str]], cost: Cost) -> None:
    """Branch and bound over all rows with the same per-reviewer loads, for small groups.

    Keeping each reviewer's load exactly as it is preserves every balance guarantee; the
    current rows are the starting upper bound, so the result is never worse.
    """
    sizes = [len(row) for row in rows]
    if sum(sizes) == 0 or sum(sizes) > _EXACT_MAX_SLOTS:
        return
    best_cost = sum(cost(r, authors[i]) for i, row in enumerate(rows) for r in row)
    if best_cost == 0:
        return
    remaining = Counter(r for row in rows for r in row)
    if any(comb(len(remaining), size) > _EXACT_MAX_COMBOS for size in sizes):
        return
    search = _ExactSearch(authors, sizes, cost, remaining, best_cost)
    search.search(0, 0)
    if search.best is not None:
        for i, combo in enumerate(search.best):
            rows[i] = list(combo)


@dataclass
class _ExactSearch:
    """The state of one `exact` search: reviews each person still owes, the rows chosen so
    far, and the best complete plan found (the starting rows' cost until one beats it)."""

    authors: list[str]
    sizes: list[int]
    cost: Cost
    remaining: Counter[str]
    best_cost: int
    best: list[tuple[str, ...]] | None = None
    nodes: int = 0
    people: list[str] = field(init=False)
    n: int = field(init=False)
    own_after: list[Counter[str]] = field(init=False)
    choice: list[tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.people = sorted(self.remaining)
        self.n = len(self.sizes)
        # own_after[i][p]: answers by p at index >= i, which p can never take.
        self.own_after = [Counter(self.authors[i:]) for i in range(self.n + 1)]
        # Answers in the current row order; candidate reviewers cheapest first.
        self.choice = [()] * self.n

    def combos(self, i: int) -> list[tuple[str, ...]]:
        author = self.authors[i]
        eligible = sorted(
            (p for p in self.people if p != author and self.remaining[p] > 0),
            key=lambda p: (self.cost(p, author), p),
        )
        found = list(combinations(eligible, self.sizes[i]))
        found.sort(key=lambda c: sum(self.cost(p, author) for p in c))
        return found

    def search(self, i: int, so_far: int) -> bool:
        """Fill rows i.. ; True to stop the whole search (a zero-cost plan, or out of budget)."""
        self.nodes += 1
        if self.nodes > _EXACT_MAX_NODES:
            return True  # out of budget: stop, keep the best found
        if i == self.n:
            self.best, self.best_cost = list(self.choice), so_far
            return self.best_cost == 0
        # Prune: someone still owed reviews that the remaining answers cannot absorb.
        left = self.n - i
        if any(self.remaining[p] > left - self.own_after[i][p] for p in self.people):
            return False
        for combo in self.combos(i):
            extra = sum(self.cost(p, self.authors[i]) for p in combo)
            if so_far + extra >= self.best_cost:
                break  # combos are sorted by cost, the rest are no better
            for p in combo:
                self.remaining[p] -= 1
            self.choice[i] = combo
            stop = self.search(i + 1, so_far + extra)
            for p in combo:
                self.remaining[p] += 1
            if stop:
                return True
        return False
