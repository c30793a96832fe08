"""Choosing the pairs of a queue together: a maximum-weight matching (networkx) over every
two requests that share a slot. Pure: the caller reads the queue, the history and the levels.

Weights (docs/mock.md, "Matching"), added per pair:
- `NEW_PAIR` when the two never met. A pair who met gets only `RECENCY` times how long ago
  (a year ago counts fully), and only once both have waited `REPEAT_AFTER`: so a pair meets
  again only when nobody else fits, and never the moment they both ask.
- `LEVEL` times how close their quality estimates are (the leaderboard's Q, 1-5).
- `WAIT` times how long they have waited (the mean of the two, up to a day).
- `FRONT` when one of them goes first (their last partner did not show).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.practice.mocks.availability import Slot, shared_slot

NEW_PAIR = 100.0
RECENCY = 10.0
LEVEL = 10.0
WAIT = 10.0
FRONT = 50.0
REPEAT_AFTER = timedelta(hours=6)
FULL_WAIT = timedelta(days=1)
FULL_RECENCY = timedelta(days=365)
LEVEL_SPAN = 4.0  # the rubric's 1-5 range


@dataclass(frozen=True)
class Seeker:
    """One waiting request as the matcher sees it."""

    request_id: int
    user_id: str
    windows: Sequence[Sequence[int]]
    waiting_since: datetime
    level: float
    front: bool = False


@dataclass(frozen=True)
class Pairing:
    first: Seeker  # the one who asked first
    second: Seeker
    slot: Slot
    weight: float


def pair_weight(a: Seeker, b: Seeker, last_met: datetime | None, now: datetime) -> float | None:
    """The pair's weight, or None when they may not be paired now."""
    if a.user_id == b.user_id:
        return None
    if last_met is None:
        weight = NEW_PAIR
    elif min(now - a.waiting_since, now - b.waiting_since) < REPEAT_AFTER:
        return None
    else:
        weight = RECENCY * min((now - last_met) / FULL_RECENCY, 1.0)
    weight += LEVEL * (1.0 - min(abs(a.level - b.level) / LEVEL_SPAN, 1.0))
    waited = ((now - a.waiting_since) + (now - b.waiting_since)) / 2
    weight += WAIT * min(waited / FULL_WAIT, 1.0)
    if a.front or b.front:
        weight += FRONT
    return weight


def choose_pairs(
    queue: Sequence[Seeker],
    last_met: Mapping[frozenset[str], datetime],
    now: datetime,
    slot_length: timedelta,
    not_before: datetime,
) -> list[Pairing]:
    """The pairs of the queue (ordered oldest first) with the largest total weight; each pair
    shares a slot of `slot_length` from `not_before`. Deterministic for a given queue."""
    # Imported here, not with the module: networkx is a seventh of a process's start-up and
    # memory, and only a matching run needs it (docs/benchmarks.md, footprint).
    import networkx as nx

    graph = nx.Graph()
    slots: dict[frozenset[int], Slot] = {}
    for i, a in enumerate(queue):
        for b in queue[i + 1 :]:
            weight = pair_weight(a, b, last_met.get(frozenset((a.user_id, b.user_id))), now)
            if weight is None:
                continue
            slot = shared_slot(a.windows, b.windows, slot_length, not_before)
            if slot is None:
                continue
            graph.add_edge(a.request_id, b.request_id, weight=weight)
            slots[frozenset((a.request_id, b.request_id))] = slot
    order = {s.request_id: i for i, s in enumerate(queue)}
    pairs = []
    for u, v in nx.max_weight_matching(graph):
        first, second = sorted((u, v), key=order.__getitem__)
        pairs.append(
            Pairing(
                queue[order[first]],
                queue[order[second]],
                slots[frozenset((u, v))],
                graph[u][v]["weight"],
            )
        )
    return sorted(pairs, key=lambda p: order[p.first.request_id])
