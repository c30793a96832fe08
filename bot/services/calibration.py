"""Calibration for reviewers: the sample answers behind a review, and scoring one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.db import SessionFactory, read_only, unit_of_work
from bot.models import Channel
from bot.practice.calibration import (
    CalibrationError,
    CalibrationResult,
    CalibrationSet,
    SampleRef,
    calibration_set,
    record_calibration,
)


def open_samples(
    sessions: SessionFactory, assignment_id: int, reviewer_id: str
) -> CalibrationSet | None:
    """ "See sample answers": read only."""
    with read_only(sessions) as session:
        return calibration_set(session, assignment_id, reviewer_id)


def submit_calibration(
    sessions: SessionFactory,
    assignment_id: int,
    reviewer_id: str,
    level: str,
    scores: Mapping[str, int | None],
    now: datetime,
) -> CalibrationResult:
    """A reviewer's scores of one sample answer: stored (replacing earlier ones), committed."""
    given = {c: s for c, s in scores.items() if s is not None}
    with unit_of_work(sessions) as session:
        found = calibration_set(session, assignment_id, reviewer_id)
        sample = found.sample(level) if found is not None else None
        if found is None or sample is None:
            return CalibrationResult(False, "This sample answer is no longer available.")
        channel = session.get(Channel, found.channel_pk)
        assert channel is not None  # the post's channel (cascade deletes posts with it)
        ref = SampleRef(found.pack_id, found.prompt_id, level)
        try:
            record_calibration(session, channel, reviewer_id, ref, given, sample.scores, now)
        except CalibrationError as exc:
            return CalibrationResult(False, str(exc))
        session.commit()
    kept = {c: s for c, s in given.items() if c in sample.scores}
    return CalibrationResult(
        True, "", level, kept, dict(sample.scores), found.pack_id, dict(sample.why)
    )
