"""Reviewer agreement read from the database: the channel's alpha per criterion for a week,
and one reviewer's distance from the other reviewers and from the pack's sample scores.

The units are the week's on-time answers that two or more people scored (one unit per answer
and criterion) and the prompts' sample answers that two or more reviewers scored in the
channel (calibration). The formulas are in bot/practice/agreement.py and docs/scoring.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Answer, CalibrationScore, Channel, PromptPost, ReviewAssignment, Vote
from bot.practice.agreement import (
    MIN_ALPHA_UNITS,
    Alpha,
    Gap,
    gap,
    krippendorff_alpha,
    peer_pairs,
)
from bot.practice.schedule import local_date, week_bounds_utc, week_start

AGREEMENT_WEEKS = 6  # a reviewer's own agreement looks this far back
# unit -> person -> score, per criterion
ByCriterion = dict[str, dict[Hashable, dict[str, float]]]


def _vote_units(session: Session, post_ids: list[int], reviewer: str | None = None) -> ByCriterion:
    """The votes of the posts' on-time answers as units; with `reviewer`, only the answers
    that reviewer scored (a handful, where the whole channel would be thousands)."""
    units: ByCriterion = defaultdict(lambda: defaultdict(dict))
    if not post_ids:
        return units
    answers = select(Answer.id).where(
        Answer.post_id.in_(post_ids), Answer.withdrawn.is_(False), Answer.late.is_(False)
    )
    if reviewer is not None:
        # Through their assignments ((post_id, reviewer_id) index): the answers they reviewed.
        answers = select(ReviewAssignment.answer_id).where(
            ReviewAssignment.post_id.in_(post_ids),
            ReviewAssignment.reviewer_id == reviewer,
            ReviewAssignment.answer_id.in_(answers),
        )
    for answer_id, criterion, reviewer_id, score in session.execute(
        select(Vote.answer_id, Vote.criterion, Vote.reviewer_id, Vote.score).where(
            Vote.answer_id.in_(answers)
        )
    ):
        units[criterion][("answer", answer_id)][reviewer_id] = float(score)
    return units


def _calibration_units(
    session: Session, channel: Channel, start: datetime, end: datetime, units: ByCriterion
) -> list[tuple[float, float, str]]:
    """Adds the samples' scores to `units`; returns (score, reference, reviewer) rows."""
    rows = []
    for prompt_id, level, criterion, reviewer, score, reference in session.execute(
        select(
            CalibrationScore.prompt_id,
            CalibrationScore.level,
            CalibrationScore.criterion,
            CalibrationScore.reviewer_id,
            CalibrationScore.score,
            CalibrationScore.reference,
        ).where(
            CalibrationScore.channel_pk == channel.id,
            CalibrationScore.updated_at >= start,
            CalibrationScore.updated_at < end,
        )
    ):
        units[criterion][("sample", prompt_id, level)][reviewer] = float(score)
        rows.append((float(score), float(reference), reviewer))
    return rows


def _week_post_ids(session: Session, channel: Channel, first: date, end: date) -> list[int]:
    return list(
        session.scalars(
            select(PromptPost.id).where(
                PromptPost.channel_pk == channel.id,
                PromptPost.local_date >= first,
                PromptPost.local_date < end,
            )
        )
    )


def channel_agreement(session: Session, channel: Channel, monday: date) -> dict[str, Alpha]:
    """Krippendorff's alpha (interval) per criterion over the week's answers and samples."""
    units = _vote_units(
        session, _week_post_ids(session, channel, monday, monday + timedelta(days=7))
    )
    start, end = week_bounds_utc(monday, channel.timezone)
    _calibration_units(session, channel, start, end, units)
    return {
        criterion: krippendorff_alpha(
            {unit: list(people.values()) for unit, people in by_unit.items()}
        )
        for criterion, by_unit in sorted(units.items())
    }


def shown_agreement(agreement: dict[str, Alpha]) -> dict[str, Alpha]:
    """The criteria whose alpha is defined and rests on enough units to be worth showing."""
    return {
        c: a for c, a in agreement.items() if a.value is not None and a.units >= MIN_ALPHA_UNITS
    }


@dataclass(frozen=True)
class ReviewerAgreement:
    """One reviewer over the last weeks: distance from the others who scored the same answers
    and samples, and from the pack's own scores of the samples they calibrated on."""

    weeks: int
    peers: Gap
    reference: Gap


def reviewer_agreement(
    session: Session, channel: Channel, reviewer_id: str, now: datetime
) -> ReviewerAgreement:
    today = local_date(now, channel.timezone)
    last_monday = week_start(today)
    first = last_monday - timedelta(weeks=AGREEMENT_WEEKS - 1)
    post_ids = _week_post_ids(session, channel, first, last_monday + timedelta(days=7))
    units = _vote_units(session, post_ids, reviewer_id)
    start, _ = week_bounds_utc(first, channel.timezone)
    calibration = _calibration_units(session, channel, start, now + timedelta(seconds=1), units)
    mine: list[tuple[float, float]] = []
    for by_unit in units.values():
        mine.extend(peer_pairs(by_unit, reviewer_id))
    reference = [(score, ref) for score, ref, who in calibration if who == reviewer_id]
    return ReviewerAgreement(AGREEMENT_WEEKS, gap(mine), gap(reference))
