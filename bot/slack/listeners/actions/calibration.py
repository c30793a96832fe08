"""The calibration buttons: "See sample answers" (review DM and score modal), "Show the pack's
scores" and "Score it to calibrate" (samples modal). Each acks, makes one read-only service
call, then opens, pushes or updates a modal: no transaction is open during the Slack call."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient

from bot.content import Criterion, Library
from bot.practice.calibration import CalibrationSet, open_samples
from bot.slack.render.calibration import sample_score_modal, samples_modal
from bot.slack.render.review_modals import notice_view

log = logging.getLogger(__name__)

NO_SAMPLES = "This prompt has no sample answers to calibrate on."


def _clicked(body: dict[str, Any]) -> tuple[str, str]:
    user_id = str((body.get("user") or {}).get("id") or "")
    action = (body.get("actions") or [{}])[0]
    return user_id, str(action.get("value") or "")


def criteria_of(library: Library, cs: CalibrationSet, ids: list[str]) -> list[Criterion]:
    """The pack's criteria for `ids` (the ones a sample was scored on), in rubric order."""
    pack = library.pack(cs.pack_id)
    found = [c for c in (pack.criterion(i) if pack else None for i in ids) if c is not None]
    known = {c.id for c in found}
    return found + [Criterion(id=i, name=i, question="", anchors={}) for i in ids if i not in known]


def criterion_names(library: Library, cs: CalibrationSet) -> dict[str, str]:
    ids = sorted({c for s in cs.samples for c in s.scores})
    return {c.id: c.name for c in criteria_of(library, cs, ids)}


def _show(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Over a modal (the score modal) push; from a message (the DM) open."""
    if body.get("view"):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def on_samples_clicked(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    runtime = context["runtime"]
    user_id, value = _clicked(body)
    cs = open_samples(runtime.sessions, int(value), user_id) if value.isdigit() else None
    if cs is None:
        _show(client, body, notice_view("Sample answers", NO_SAMPLES))
        return
    _show(client, body, samples_modal(cs, criterion_names(runtime.library, cs)))


def on_reveal_clicked(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    runtime = context["runtime"]
    user_id, value = _clicked(body)
    cs = open_samples(runtime.sessions, int(value), user_id) if value.isdigit() else None
    view = body.get("view") or {}
    if cs is None or not view.get("id"):
        return
    client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=samples_modal(cs, criterion_names(runtime.library, cs), revealed=True),
    )


def on_sample_score_clicked(
    ack: Any, body: dict[str, Any], client: WebClient, context: Any
) -> None:
    ack()
    runtime = context["runtime"]
    user_id, value = _clicked(body)
    try:
        data = json.loads(value)
        assignment_id, level = int(data["a"]), str(data["level"])
    except (ValueError, KeyError, TypeError):
        log.info("bad calibration button from %s: %r", user_id, value)
        return
    cs = open_samples(runtime.sessions, assignment_id, user_id)
    sample = cs.sample(level) if cs is not None else None
    if cs is None or sample is None:
        _show(client, body, notice_view("Sample answers", NO_SAMPLES))
        return
    criteria = criteria_of(runtime.library, cs, list(sample.scores))
    _show(client, body, sample_score_modal(cs, level, criteria))
