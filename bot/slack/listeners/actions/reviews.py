"""The buttons in a reviewer's DM: "Post a challenge" and "Score" open their modals.

Everything is re-checked on the server (the button may be stale, forwarded or forged): the
assignment must exist, belong to the clicker, and reviews must still be open. Refusals are
ephemeral and change nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.db import unit_of_work
from bot.practice.reviews.votes import load_review, rubric_for
from bot.slack.render.review_modals import ModalSource, challenge_modal, score_modal

log = logging.getLogger(__name__)

NO_RUBRIC = (
    "This prompt's rubric is no longer available, so it cannot be scored. You can still post a "
    "challenge in the thread."
)
BAD_BUTTON = "That button no longer works. Please use the buttons in your latest review DM."


def _click(body: dict[str, Any]) -> tuple[str, int | None, ModalSource]:
    """(clicker, assignment id, the DM message the button is in)."""
    user_id = str((body.get("user") or {}).get("id") or "")
    action = (body.get("actions") or [{}])[0]
    value = str(action.get("value") or "")
    container = body.get("container") or {}
    dm_channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    dm_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    assignment_id = int(value) if value.isdigit() else None
    return user_id, assignment_id, ModalSource(assignment_id, dm_channel, dm_ts)


def _refuse(respond: Any, message: str, body: dict[str, Any], client: WebClient) -> None:
    """Privately; a button on the App Home has no response URL, so there by DM."""
    if not body.get("response_url") and (body.get("container") or {}).get("type") == "view":
        client.chat_postMessage(channel=str((body.get("user") or {}).get("id") or ""), text=message)
        return
    respond(text=message, response_type="ephemeral", replace_original=False)


def on_challenge_clicked(
    ack: Any, body: dict[str, Any], client: WebClient, context: Any, respond: Any
) -> None:
    ack()
    runtime = context["runtime"]
    user_id, assignment_id, source = _click(body)
    if assignment_id is None:
        _refuse(respond, BAD_BUTTON, body, client)
        return
    with unit_of_work(runtime.sessions) as session:
        lookup = load_review(session, assignment_id, user_id, runtime.clock())
    if lookup.target is None:
        log.info("refused challenge button %s for %s: %s", assignment_id, user_id, lookup.refusal)
        _refuse(respond, lookup.message, body, client)
        return
    client.views_open(trigger_id=body["trigger_id"], view=challenge_modal(lookup.target, source))


def on_score_clicked(
    ack: Any, body: dict[str, Any], client: WebClient, context: Any, respond: Any
) -> None:
    ack()
    runtime = context["runtime"]
    user_id, assignment_id, source = _click(body)
    if assignment_id is None:
        _refuse(respond, BAD_BUTTON, body, client)
        return
    with unit_of_work(runtime.sessions) as session:
        lookup = load_review(session, assignment_id, user_id, runtime.clock())
        target = lookup.target
        rubric = (
            rubric_for(session, target.post.post_id, target.pack_id, runtime.library)
            if target is not None
            else ()
        )
    if target is None:
        log.info("refused score button %s for %s: %s", assignment_id, user_id, lookup.refusal)
        _refuse(respond, lookup.message, body, client)
        return
    if not rubric:
        _refuse(respond, NO_RUBRIC, body, client)
        return
    client.views_open(trigger_id=body["trigger_id"], view=score_modal(target, rubric, source))
