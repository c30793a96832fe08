"""The buttons in a reviewer's DM: "Post a challenge" and "Score" open their modals.

Everything is re-checked on the server (the button may be stale, forwarded or forged): the
assignment must exist, belong to the clicker, and reviews must still be open. Refusals are
ephemeral and change nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.runtime import runtime_of
from bot.services.reviews import open_review
from bot.slack.dm import reply_privately
from bot.slack.payloads import Interaction
from bot.slack.render.review_modals import ModalSource, challenge_modal, score_modal

log = logging.getLogger(__name__)

NO_RUBRIC = (
    "This prompt's rubric is no longer available, so it cannot be scored. You can still post a "
    "challenge in the thread."
)
BAD_BUTTON = "That button no longer works. Please use the buttons in your latest review DM."


def _click(body: dict[str, Any]) -> tuple[str, int | None, ModalSource]:
    """(clicker, assignment id, the DM message the button is in)."""
    seen = Interaction.of(body)
    user_id, value = seen.user_id, seen.value
    container = body.get("container") or {}
    dm_channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    dm_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    assignment_id = int(value) if value.isdigit() else None
    return user_id, assignment_id, ModalSource(assignment_id, dm_channel, dm_ts)


def on_challenge_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    _open_modal(ack, body, client, context, respond, scoring=False)


def on_score_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    _open_modal(ack, body, client, context, respond, scoring=True)


def _open_modal(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    *,
    scoring: bool,
) -> None:
    """The challenge or the scoring modal for the button's review, once it is re-checked."""
    ack()
    runtime = runtime_of(context)
    user_id, assignment_id, source = _click(body)
    if assignment_id is None:
        reply_privately(respond, body, client, BAD_BUTTON)
        return
    library = runtime.library if scoring else None
    opened = open_review(runtime.sessions, assignment_id, user_id, runtime.clock(), library=library)
    target = opened.lookup.target
    if target is None:
        kind = "score" if scoring else "challenge"
        log.info(
            "refused %s button %s for %s: %s", kind, assignment_id, user_id, opened.lookup.refusal
        )
        reply_privately(respond, body, client, opened.lookup.message)
        return
    if scoring and not opened.rubric:
        reply_privately(respond, body, client, NO_RUBRIC)
        return
    view = (
        score_modal(target, opened.rubric, source) if scoring else challenge_modal(target, source)
    )
    client.views_open(trigger_id=Interaction.of(body).trigger_id, view=view)
