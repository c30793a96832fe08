"""The calibration buttons: "See sample answers" (review DM and score modal), "Show the pack's
scores" and "Score it to calibrate" (samples modal). Each acks, makes one read-only service
call, then opens, pushes or updates a modal: no transaction is open during the Slack call."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.practice.calibration import criteria_of, criterion_names
from bot.runtime import runtime_of
from bot.services.calibration import open_samples
from bot.slack.payloads import Interaction
from bot.slack.render.calibration import sample_score_modal, samples_modal
from bot.slack.render.review_modals import notice_view

log = logging.getLogger(__name__)

NO_SAMPLES = "This prompt has no sample answers to calibrate on."


def _show(client: WebClient, seen: Interaction, view: dict[str, Any]) -> None:
    """Over a modal (the score modal) push; from a message (the DM) open."""
    if seen.view:
        client.views_push(trigger_id=seen.trigger_id, view=view)
    else:
        client.views_open(trigger_id=seen.trigger_id, view=view)


def on_samples_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    value = seen.value
    cs = open_samples(runtime.sessions, int(value), seen.user_id) if value.isdigit() else None
    if cs is None:
        _show(client, seen, notice_view("Sample answers", NO_SAMPLES))
        return
    _show(client, seen, samples_modal(cs, criterion_names(runtime.library, cs)))


def on_reveal_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    value = seen.value
    cs = open_samples(runtime.sessions, int(value), seen.user_id) if value.isdigit() else None
    if cs is None or not seen.view_id:
        return
    client.views_update(
        view_id=seen.view_id,
        hash=seen.view.get("hash"),
        view=samples_modal(cs, criterion_names(runtime.library, cs), revealed=True),
    )


def on_sample_score_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    user_id, value = seen.user_id, seen.value
    try:
        data = json.loads(value)
        assignment_id, level = int(data["a"]), str(data["level"])
    except (ValueError, KeyError, TypeError):
        log.info("bad calibration button from %s: %r", user_id, value)
        return
    cs = open_samples(runtime.sessions, assignment_id, user_id)
    sample = cs.sample(level) if cs is not None else None
    if cs is None or sample is None:
        _show(client, seen, notice_view("Sample answers", NO_SAMPLES))
        return
    criteria = criteria_of(runtime.library, cs, list(sample.scores))
    _show(client, seen, sample_score_modal(cs, level, criteria))
