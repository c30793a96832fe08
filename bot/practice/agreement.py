"""How much reviewers agree: Krippendorff's alpha, and each reviewer's distance from others.

Pure arithmetic over scores (no database, no Slack); docs/scoring.md gives the formulas and a
worked example that tests/practice/test_agreement.py recomputes.

A *unit* is one thing several people scored on one criterion: an answer, or a prompt's sample
answer (calibration). Alpha compares the disagreement observed inside units with the
disagreement expected if the same scores had been handed out at random:
`alpha = 1 - D_o / D_e`. 1 is full agreement, 0 is no better than chance, below 0 is
systematic disagreement. Only units with two or more scores count (a lone score cannot
disagree with anyone).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

Units = Mapping[Hashable, Sequence[float]]  # unit -> the scores it received (one per person)

# Fewer pairable scores than this and alpha is not shown: two answers prove nothing.
MIN_ALPHA_UNITS = 3


def _interval(a: float, b: float, _freq: Mapping[float, int]) -> float:
    return (a - b) ** 2


def _ordinal(a: float, b: float, freq: Mapping[float, int]) -> float:
    """Krippendorff's ordinal distance: how many scores lie between a and b (inclusive, the
    end values counted half), squared. Gaps where few scores fall count less."""
    low, high = min(a, b), max(a, b)
    between = sum(n for value, n in freq.items() if low <= value <= high)
    return (between - (freq[low] + freq[high]) / 2) ** 2


METRICS = {"interval": _interval, "ordinal": _ordinal}


@dataclass(frozen=True)
class Alpha:
    value: float | None  # None when undefined: too few units, or every score the same
    units: int  # units with two or more scores
    scores: int  # the scores in those units


def krippendorff_alpha(units: Units, metric: str = "interval") -> Alpha:
    """Krippendorff's alpha over `units` (interval or ordinal distance)."""
    delta = METRICS[metric]
    pairable = [list(scores) for scores in units.values() if len(scores) >= 2]
    values = [v for scores in pairable for v in scores]
    n = len(values)
    if len(pairable) < 1 or n < 2:
        return Alpha(None, len(pairable), n)
    freq = Counter(values)
    # Observed: within each unit, every ordered pair of different people, weighted 1/(m - 1).
    observed = sum(
        2 * sum(delta(a, b, freq) for a, b in combinations(scores, 2)) / (len(scores) - 1)
        for scores in pairable
    )
    # Expected: every ordered pair of scores from anywhere, by value counts.
    expected = sum(
        2 * freq[a] * freq[b] * delta(a, b, freq) for a, b in combinations(sorted(freq), 2)
    )
    if expected == 0:
        return Alpha(None, len(pairable), n)  # one value everywhere: nothing to agree on
    return Alpha(1 - (n - 1) * observed / expected, len(pairable), n)


@dataclass(frozen=True)
class Gap:
    """How far one reviewer's scores sit from a reference, in rubric points (1-5)."""

    mean_gap: float | None  # mean |score - reference| (None without shared scores)
    within_one: float | None  # share of scores within 1 point of the reference
    scores: int


def gap(pairs: Iterable[tuple[float, float]]) -> Gap:
    """(the reviewer's score, the reference it is compared with) pairs into a Gap."""
    diffs = [abs(mine - reference) for mine, reference in pairs]
    if not diffs:
        return Gap(None, None, 0)
    close = sum(1 for d in diffs if d <= 1 + 1e-9)
    return Gap(sum(diffs) / len(diffs), close / len(diffs), len(diffs))


def peer_pairs(
    units: Mapping[Hashable, Mapping[str, float]], reviewer: str
) -> list[tuple[float, float]]:
    """For each unit the reviewer scored along with others: (their score, the others' mean)."""
    pairs = []
    for by_person in units.values():
        if reviewer not in by_person or len(by_person) < 2:
            continue
        others = [s for person, s in by_person.items() if person != reviewer]
        pairs.append((by_person[reviewer], sum(others) / len(others)))
    return pairs


def all_peer_pairs(units: Mapping[Hashable, Mapping[str, float]]) -> list[tuple[float, float]]:
    """`peer_pairs` for every reviewer at once: the channel's figure to compare one with."""
    pairs = []
    for by_person in units.values():
        if len(by_person) < 2:
            continue
        total = sum(by_person.values())
        for score in by_person.values():
            pairs.append((score, (total - score) / (len(by_person) - 1)))
    return pairs
