"""Reliability-weighted consensus: how much each reviewer's scores count (docs/scoring.md).

Pure arithmetic; what it reads is `reviewer_reliability` in `bot/practice/leaderboard/votes.py`.

A reviewer's reliability has two parts, both in [0, 1]:

* agreement: `1 - d / MAX_DISTANCE` (floored at 0), where `d` is the mean distance in rubric
  points between their score and the reference of each unit they scored: the other reviewers'
  mean for an answer scored by several people, the pack's own score for a sample answer;
* spread: `min(1, sd / FULL_SPREAD)`, with `sd` the standard deviation of all their scores. A
  reviewer who gives every answer the same score tells answers apart no better than chance,
  whatever their distance, so their spread (and reliability) is 0.

`reliability = agreement x spread`, shrunk toward `NEW_REVIEWER` as if `PRIOR_UNITS` more units
had shown exactly that: `weight = (n x reliability + PRIOR_UNITS x NEW_REVIEWER) / (n +
PRIOR_UNITS)`, never below `MIN_WEIGHT`. A new reviewer (n = 0) gets `NEW_REVIEWER`, as every
other new reviewer does. An answer's score is the weighted mean of its scores: a convex
combination, so it never leaves the range of the scores given (1-5), and with equal weights it
is the plain mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import pstdev

MAX_DISTANCE = 2.0  # rubric points off on average at which agreement reaches 0
FULL_SPREAD = 0.75  # a standard deviation of scores from which spread counts fully
PRIOR_UNITS = 4.0  # units' worth of the new-reviewer weight mixed into each weight
NEW_REVIEWER = 0.5  # the reliability assumed of a reviewer with nothing to compare yet
MIN_WEIGHT = 0.05  # nobody's scores vanish entirely (and a sum of weights is never 0)


@dataclass(frozen=True)
class Unit:
    """One reviewer's score of one unit (an answer's criterion, or a sample's) and what it is
    compared with: the others' mean (or the pack's score); None when nobody else scored it."""

    score: float
    reference: float | None


@dataclass(frozen=True)
class Reliability:
    agreement: float
    spread: float
    compared: int  # units with a reference
    weight: float


def reliability(units: Sequence[Unit]) -> Reliability:
    """A reviewer's weight from every unit they scored in the window."""
    compared = [u for u in units if u.reference is not None]
    if compared:
        distance = sum(abs(u.score - (u.reference or 0.0)) for u in compared) / len(compared)
        agreement = max(0.0, 1.0 - distance / MAX_DISTANCE)
    else:
        agreement = NEW_REVIEWER
    scores = [u.score for u in units]
    spread = min(1.0, pstdev(scores) / FULL_SPREAD) if len(scores) > 1 else 1.0
    n = len(compared)
    raw = agreement * spread
    weight = (n * raw + PRIOR_UNITS * NEW_REVIEWER) / (n + PRIOR_UNITS)
    return Reliability(agreement, spread, n, max(MIN_WEIGHT, weight))


def units_by_reviewer(
    scores: Mapping[tuple[int, str], Mapping[str, float]],
    references: Mapping[str, Sequence[Unit]] | None = None,
) -> dict[str, list[Unit]]:
    """Each reviewer's units from `scores` ((answer, criterion) -> reviewer -> score), each
    compared with the other reviewers' mean; `references` adds units scored against the pack
    (calibration on sample answers)."""
    units: dict[str, list[Unit]] = {r: list(u) for r, u in (references or {}).items()}
    for by_reviewer in scores.values():
        total, count = sum(by_reviewer.values()), len(by_reviewer)
        for reviewer, score in by_reviewer.items():
            others = (total - score) / (count - 1) if count > 1 else None
            units.setdefault(reviewer, []).append(Unit(score, others))
    return units


def weights(
    scores: Mapping[tuple[int, str], Mapping[str, float]],
    references: Mapping[str, Sequence[Unit]] | None = None,
) -> dict[str, float]:
    """Every reviewer's weight from the window's scores (and calibration units)."""
    return {r: reliability(u).weight for r, u in units_by_reviewer(scores, references).items()}


def weighted_mean(scores: Mapping[str, float], weight_of: Mapping[str, float]) -> float:
    """One unit's consensus: its scores weighted by reviewer (NEW_REVIEWER for one unknown)."""
    total = sum(weight_of.get(r, NEW_REVIEWER) for r in scores)
    mean = sum(weight_of.get(r, NEW_REVIEWER) * s for r, s in scores.items()) / total
    # A convex combination; the clamp only removes floating-point dust (5.000000000000001).
    return min(max(mean, min(scores.values())), max(scores.values()))
