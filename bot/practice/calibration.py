"""Calibration: a reviewer scores a prompt's sample answer, to compare with the pack's scores.

Each prompt of a pack may carry sample answers (a weak and a strong one) with the pack's own
scores (`Prompt.calibration`, content issue 15). A reviewer can score one from their review DM
or the score modal; the scores are kept per channel with the pack's score next to each, so
`reviewer_agreement` can say how close a reviewer is to the pack without loading content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import CalibrationScore, Channel


@dataclass(frozen=True)
class SampleRef:
    """Which sample answer: the pack, the prompt and the level ("weak" or "strong")."""

    pack_id: str
    prompt_id: str
    level: str


class CalibrationError(ValueError):
    """A calibration score that cannot be stored; the message says why."""


def record_calibration(
    session: Session,
    channel: Channel,
    reviewer_id: str,
    sample: SampleRef,
    scores: Mapping[str, int],
    reference: Mapping[str, int],
    now: datetime,
) -> int:
    """Store (or replace) the reviewer's scores of one sample; returns how many were stored.

    Only criteria the pack scored are kept: without a reference there is nothing to compare.
    The caller commits.
    """
    kept = {c: int(s) for c, s in scores.items() if c in reference}
    if not kept:
        raise CalibrationError("None of these criteria has a reference score in the pack.")
    if any(not 1 <= s <= 5 for s in kept.values()):
        raise CalibrationError("Scores run from 1 to 5.")
    existing = {
        row.criterion: row
        for row in session.scalars(
            select(CalibrationScore).where(
                CalibrationScore.channel_pk == channel.id,
                CalibrationScore.prompt_id == sample.prompt_id,
                CalibrationScore.level == sample.level,
                CalibrationScore.reviewer_id == reviewer_id,
            )
        )
    }
    for criterion, score in kept.items():
        row = existing.get(criterion)
        if row is None:
            row = CalibrationScore(
                channel_pk=channel.id,
                pack_id=sample.pack_id,
                prompt_id=sample.prompt_id,
                level=sample.level,
                reviewer_id=reviewer_id,
                criterion=criterion,
            )
            session.add(row)
        row.score, row.reference, row.updated_at = score, int(reference[criterion]), now
    session.flush()
    return len(kept)
