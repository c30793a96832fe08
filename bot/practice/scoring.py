"""The scoring rules of the weekly leaderboard: defaults in one place, per-channel overrides.

Per person and week (docs/scoring.md is the same text for users):

- quality: for each on-time answer that received scores, `round(quality_weight * q, 1)`
  where `q` is the mean score (1-5) over all its reviewers and criteria;
- participation: `participation` points per on-time answer (not withdrawn, not late);
- review credit: `review_credit` points per completed review (a challenge posted and every
  criterion scored); a missed review costs `missed_review` (0 by default: shown, not punished);
- mock interviews: for each scored round as the candidate, `round(quality_weight *
  mock_weight * m, 1)` where `m` is the round's mean score;
- nothing is taken off for days without an answer.

Ties break on more on-time answers, then the higher mean quality, then the earlier first
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
    quality_weight: float = 2.0  # points per unit of mean rubric score (1-5), per scored answer
    participation: float = 1.0  # points per on-time answer
    review_credit: float = 1.0  # points per completed review
    missed_review: float = 0.0  # points per missed review (0: shown, never subtracted)
    mock_weight: float = 0.5  # a scored mock round counts this fraction of an answer's quality
    bias_correction: bool = False  # centre each reviewer's scores on their own average
    bias_window_weeks: int = 8  # how many weeks of a reviewer's scores give their average


DEFAULT_RULES = ScoringRules()


def rules_for(channel: Channel | None) -> ScoringRules:
    """The defaults with the channel's overrides (`Channel.scoring`) applied.

    Unknown keys and values of the wrong type are ignored (and logged), never fatal.
    """
    overrides = (channel.scoring if channel is not None else None) or {}
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


def quality_points(rules: ScoringRules, mean_quality: float) -> float:
    return round(rules.quality_weight * mean_quality, 1)


def mock_points(rules: ScoringRules, mean_score: float) -> float:
    return round(rules.quality_weight * rules.mock_weight * mean_score, 1)


def points(
    rules: ScoringRules,
    *,
    answer_means: Sequence[float | None],
    reviews: int,
    missed: int = 0,
    mock_means: Sequence[float] = (),
) -> float:
    """A person's points for a week.

    `answer_means` has one entry per on-time answer: its mean score, or None if unscored.
    """
    total = sum(quality_points(rules, q) for q in answer_means if q is not None)
    total += rules.participation * len(answer_means)
    total += rules.review_credit * reviews
    total -= rules.missed_review * missed
    total += sum(mock_points(rules, m) for m in mock_means)
    return round(total, 1)


def tie_break_key(
    points_: float, answers: int, mean_quality: float | None, first_answer_at: datetime | None
) -> tuple[float, int, float, float]:
    """Sort key (ascending = better): points, then answers, quality, earliest first answer."""
    first = first_answer_at.timestamp() if first_answer_at is not None else float("inf")
    return (-points_, -answers, -(mean_quality if mean_quality is not None else 0.0), first)


def _num(value: float) -> str:
    return f"{value:g}"


def describe_rules(rules: ScoringRules = DEFAULT_RULES) -> str:
    """A short mrkdwn summary for `/practice help` and the leaderboard's footer."""
    lines = [
        "*Scoring* (per week)",
        f"• each on-time answer: {_num(rules.participation)} pt + "
        f"{_num(rules.quality_weight)} x its mean rubric score (1-5) once reviewed",
        f"• each completed review (challenge posted, all criteria scored): "
        f"{_num(rules.review_credit)} pt",
        f"• each scored `/mock` round: {_num(rules.quality_weight * rules.mock_weight)} x "
        "its mean score",
        (
            f"• missed reviews: -{_num(rules.missed_review)} pt each"
            if rules.missed_review
            else "• missed days and missed reviews: nothing taken off"
        ),
        "• ties: more answers, then higher mean quality, then the earlier first answer",
    ]
    if rules.bias_correction:
        lines.append("• reviewer-bias correction is on: each reviewer's scores are centred")
    return "\n".join(lines)
