"""Submitting a sample answer's scores: stored, then the modal shows them next to the pack's."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.practice.calibration import CalibrationResult
from bot.runtime import runtime_of
from bot.services.calibration import submit_calibration
from bot.slack.payloads import Interaction
from bot.slack.render.calibration import (
    comparison_view,
    read_sample_metadata,
    read_sample_scores,
)


def on_sample_scored(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    user_id = seen.user_id
    assignment_id, level = read_sample_metadata(seen.private_metadata)
    if assignment_id is None:
        result = CalibrationResult(False, "This form is not one of mine.")
        ack(response_action="update", view=comparison_view(result, {}))
        return
    scores = read_sample_scores(seen.values())
    result = submit_calibration(
        runtime.sessions, assignment_id, user_id, level, scores, runtime.clock()
    )
    pack = runtime.library.pack(result.pack_id) if result.pack_id else None
    names = {
        c: found.name
        for c in (result.reference or {})
        if pack is not None and (found := pack.criterion(c)) is not None
    }
    ack(response_action="update", view=comparison_view(result, names))
