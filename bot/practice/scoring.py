"""The scoring rules of the weekly leaderboard: defaults in one place, per-channel overrides.

Per person and week (docs/scoring.md, "Points, in words", is the same text for users):

- answering: every on-time answer earns `participation + quality_weight * Q`, scored or not,
  where `Q` is the person's quality estimate: the mean of their scored answers' means (and of
  their scored mock rounds, each counting `mock_weight` of an answer), shrunk toward the
  channel's mean as if `shrinkage` more answers had scored exactly that. An answer its
  reviewers left unscored therefore counts at the author's own estimate: it neither sinks nor
  lifts them, and one lucky (or unlucky) score moves a person only part of the way;
- the channel's mean is the mean of the week's scored on-time answers' means, itself shrunk
  toward the rubric's middle (3) the same way, so a quiet week with two scores does not set
  everyone's bar;
- review credit: `review_credit` points per completed review (a challenge posted and every
  criterion scored) and per completed mock round, for the interviewer and the candidate alike;
  a missed review costs `missed_review` (0 by default: shown on the row, not punished).

Ties break on more on-time answers, then the higher quality estimate, then the earlier first
answer of the week. With `bias_correction` on, every reviewer's scores are first centred on
that reviewer's own average (over the channel's last weeks) and moved to the channel's
average, so a harsh or a generous reviewer no longer decides the ranking.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from bot.models import Channel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoringRules:
    quality_weight: float = 2.0  # points per unit of quality estimate (1-5), per answer
    participation: float = 1.0  # points per on-time answer
    review_credit: float = 1.0  # points per completed review or completed mock round
    missed_review: float = 0.0  # points per missed review (0: shown, never subtracted)
    mock_weight: float = 0.5  # a scored mock round weighs this fraction of an answer in Q
    shrinkage: float = 2.0  # answers' worth of the channel's mean mixed into each estimate
    bias_correction: bool = False  # centre each reviewer's scores on their own average
    bias_window_weeks: int = 8  # how many weeks of a reviewer's scores give their average
    streak_reviews: bool = True  # a completed review makes a practice week (streaks)
    streak_mocks: bool = True  # a scored mock round makes a practice week (streaks)
    weighted_consensus: bool = False  # weigh each reviewer by reliability (docs/scoring.md)
    # How reviews run (docs/scoring.md, "Reviews that get done"): not points, but per channel.
    standins: bool = True  # offer a review not done by `standin_after` to stand-ins
    standin_after: float = 0.5  # share of the review time (answers close -> reviews close)
    give_to_get: bool = True  # an author sees scores early only once their own reviews are done


DEFAULT_RULES = ScoringRules()


def rules_for(channel: Channel | None) -> ScoringRules:
    """The defaults with the channel's overrides (`Channel.scoring`) applied.

    Unknown keys and values of the wrong type are ignored (and logged), never fatal.
    """
    overrides = (channel.scoring if channel is not None else None) or {}
    if not overrides:  # most channels: the minute's scans ask this of every channel
        return DEFAULT_RULES
    known = {f.name: f for f in fields(ScoringRules)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        spec = known.get(key)
        if spec is None:
            log.warning("ignoring unknown scoring setting %r", key)
            continue
        default = getattr(DEFAULT_RULES, key)
        try:
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise TypeError(key)
                changes[key] = value
            elif isinstance(default, int):
                changes[key] = max(1, int(value))
            else:
                changes[key] = float(value)
        except (TypeError, ValueError):
            log.warning("ignoring scoring setting %s=%r (wrong type)", key, value)
    return replace(DEFAULT_RULES, **changes)


# The settings `/practice scoring KEY VALUE` changes: every field of ScoringRules (their words
# are `bot/slack/render/scoring.py`'s SETTING_HELP).
SETTINGS = tuple(f.name for f in fields(ScoringRules))
LIMITS = {
    "quality_weight": (0.0, 10.0),
    "participation": (0.0, 10.0),
    "review_credit": (0.0, 10.0),
    "missed_review": (0.0, 10.0),
    "mock_weight": (0.0, 2.0),
    "shrinkage": (0.0, 20.0),
    "bias_window_weeks": (1, 52),
    "standin_after": (0.1, 0.9),
}


class ScoringSettingError(ValueError):
    """A scoring setting a user asked for that cannot be used. `code` says why: "unknown"
    (no such setting), "on-off" (a switch given something else), "number" (not a number),
    "range" (outside `low`..`high`); `bot/slack/render/scoring.py` words it."""

    def __init__(
        self, code: str, key: str, raw: str = "", low: float = 0.0, high: float = 0.0
    ) -> None:
        super().__init__(f"{code}: {key}={raw!r}")
        self.code, self.key, self.raw, self.low, self.high = code, key, raw, low, high


def parse_setting(key: str, raw: str) -> bool | int | float:
    """A user's `/practice scoring KEY VALUE` into a typed value, within the allowed range."""
    name = key.strip().lower().replace("-", "_")
    if name not in SETTINGS:
        raise ScoringSettingError("unknown", key, raw)
    default = getattr(DEFAULT_RULES, name)
    text = raw.strip().lower()
    if isinstance(default, bool):
        if text in ("on", "true", "yes", "1"):
            return True
        if text in ("off", "false", "no", "0"):
            return False
        raise ScoringSettingError("on-off", name, raw)
    try:
        value: int | float = int(text) if isinstance(default, int) else float(text)
    except ValueError as exc:
        raise ScoringSettingError("number", name, raw) from exc
    low, high = LIMITS[name]
    if not low <= value <= high:
        raise ScoringSettingError("range", name, raw, low, high)
    return value


def set_channel_setting(channel: Channel, key: str, raw: str) -> ScoringRules:
    """Override one scoring setting for the channel (the caller commits)."""
    value = parse_setting(key, raw)
    name = key.strip().lower().replace("-", "_")
    overrides = dict(channel.scoring or {})
    if value == getattr(DEFAULT_RULES, name):
        overrides.pop(name, None)
    else:
        overrides[name] = value
    channel.scoring = overrides or None  # a new dict: JSON columns do not track mutation
    return rules_for(channel)


def reset_channel_settings(channel: Channel) -> ScoringRules:
    channel.scoring = None
    return DEFAULT_RULES


RUBRIC_MIDDLE = 3.0  # where a channel without scores starts its mean
# Fewer scores than these and no criterion is called "strongest" or "weakest": one reviewer's
# marks on one answer are not a pattern.
MIN_PERSON_CRITERION_SCORES = 4
MIN_CHANNEL_CRITERION_SCORES = 8
STRONG_FROM = 3.0  # a criterion averaging below the rubric's middle is never "strongest"


def _shrunk(total: float, weight: float, toward: float, k: float) -> float:
    return (total + k * toward) / (weight + k) if weight + k > 0 else toward


def channel_mean(rules: ScoringRules, total: float, count: int) -> float:
    """The channel's mean answer score from the week's `count` scored answers whose means sum
    to `total`, shrunk toward the rubric's middle with `shrinkage` answers' weight."""
    return _shrunk(total, count, RUBRIC_MIDDLE, rules.shrinkage)


def quality_estimate(
    rules: ScoringRules,
    scored: Sequence[float],
    mock_means: Sequence[float] = (),
    prior: float = RUBRIC_MIDDLE,
) -> float:
    """A person's quality Q: their scored answers' means and mock rounds' means (each round
    weighing `mock_weight`), shrunk toward `prior` (the channel's mean) by `shrinkage`."""
    total = sum(scored) + rules.mock_weight * sum(mock_means)
    weight = len(scored) + rules.mock_weight * len(mock_means)
    return _shrunk(total, weight, prior, rules.shrinkage)


def answer_points(rules: ScoringRules, quality: float) -> float:
    """What one on-time answer earns, scored or not, for a person whose estimate is `quality`."""
    return rules.participation + rules.quality_weight * quality


def exact_points(
    rules: ScoringRules,
    *,
    answer_means: Sequence[float | None],
    reviews: int,
    missed: int = 0,
    mock_means: Sequence[float] = (),
    interviews: int = 0,
    prior: float = RUBRIC_MIDDLE,
) -> float:
    """A person's points for a week, unrounded.

    `answer_means` has one entry per on-time answer: its mean score, or None if unscored;
    `mock_means` one per scored mock round as the candidate; `interviews` counts scored mock
    rounds as the interviewer; `prior` is the channel's mean (`channel_mean`).
    """
    quality = quality_estimate(rules, [q for q in answer_means if q is not None], mock_means, prior)
    total = len(answer_means) * answer_points(rules, quality)
    total += rules.review_credit * (reviews + interviews + len(mock_means))
    return total - rules.missed_review * missed


def points(rules: ScoringRules, **activity: Any) -> float:
    """`exact_points` rounded to one decimal, as the leaderboard shows it."""
    return round(exact_points(rules, **activity), 1)


def tie_break_key(
    points_: float, answers: int, quality: float | None, first_answer_at: datetime | None
) -> tuple[float, int, float, float]:
    """Sort key (ascending = better): points, then answers, quality, earliest first answer."""
    first = first_answer_at.timestamp() if first_answer_at is not None else float("inf")
    return (-points_, -answers, -(quality if quality is not None else 0.0), first)


def notable_criteria(
    means: dict[str, float], counts: dict[str, int], minimum: int
) -> tuple[str | None, str | None]:
    """(strongest, weakest) among criteria with at least `minimum` scores; strongest only from
    the rubric's middle up, and neither when fewer than two criteria qualify."""
    enough = {c: m for c, m in means.items() if counts.get(c, 0) >= minimum}
    if len(enough) < 2:
        return None, None
    best = min(enough, key=lambda c: (-enough[c], c))
    worst = min(enough, key=lambda c: (enough[c], c))
    if enough[best] - enough[worst] < 1e-9:
        return None, None
    return (best if enough[best] >= STRONG_FROM else None), worst
