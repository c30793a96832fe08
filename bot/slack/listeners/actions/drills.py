""" "Ask for a review" under a drill answer's receipt (issue 25)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.runtime import runtime_of
from bot.services.drills import request_drill_review
from bot.slack.payloads import Interaction
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
    request = request_drill_review(
        runtime.sessions, team_id, seen.user_id, int(seen.value), runtime.clock()
    )
    # Asked (or asked before): the button goes; nobody free: it stays, to try again later.
    respond(text=drill_review_text(request), replace_original=request.status != "nobody")
