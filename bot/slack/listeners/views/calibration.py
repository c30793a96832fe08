"""Submitting a sample answer's scores: stored, then the modal shows them next to the pack's."""

from __future__ import annotations

from typing import Any

from bot.practice.calibration import CalibrationResult, submit_calibration
from bot.slack.render.calibration import (
    comparison_view,
    read_sample_metadata,
    read_sample_scores,
)


def on_sample_scored(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    assignment_id, level = read_sample_metadata(str(view.get("private_metadata") or ""))
    if assignment_id is None:
        result = CalibrationResult(False, "This form is not one of mine.")
        ack(response_action="update", view=comparison_view(result, {}))
        return
    scores = read_sample_scores((view.get("state") or {}).get("values") or {})
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
