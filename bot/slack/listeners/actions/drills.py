"""A drill answer's buttons (issue 25): the author's "Ask for a review", the reviewer's
"Post a challenge" and "Score". Each acks first, makes one service call and answers
privately; a stale or forged button changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.practice.members.drill_reviews import DrillBrief
from bot.runtime import runtime_of
from bot.services.drills import open_drill, request_drill_review
from bot.slack.payloads import Interaction
from bot.slack.render.drill_review import drill_challenge_modal, drill_score_modal
from bot.slack.render.goals import BAD_BUTTON, drill_review_text


def on_drill_review_asked(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body)
    team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
    if not seen.value.isdigit():
        respond(text=BAD_BUTTON, replace_original=False)
        return
    now = runtime.clock()
    request = request_drill_review(
        runtime.sessions,
        team_id,
        seen.user_id,
        int(seen.value),
        now,
        library=runtime.library,
        notifier=runtime.adapters.reviews(now),
    )
    # Asked (or asked before): the button goes; nobody free: it stays, to try again later.
    respond(text=drill_review_text(request), replace_original=request.status != "nobody")


def on_drill_score_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    _open_form(ack, body, client, context, respond, drill_score_modal)


def on_drill_challenge_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    _open_form(ack, body, client, context, respond, drill_challenge_modal)


def _open_form(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    form: Callable[[DrillBrief], dict[str, Any]],
) -> None:
    """The reviewer's form, once the button is re-checked (theirs, still open)."""
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body)
    if not seen.value.isdigit():
        respond(text=BAD_BUTTON, response_type="ephemeral", replace_original=False)
        return
    opened = open_drill(
        runtime.sessions, int(seen.value), seen.user_id, runtime.clock(), library=runtime.library
    )
    if isinstance(opened, str):
        respond(text=opened, response_type="ephemeral", replace_original=False)
        return
    client.views_open(trigger_id=seen.trigger_id, view=form(opened))
