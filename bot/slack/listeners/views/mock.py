"""Saving the mock modals: the interviewer's rubric scores and the candidate's rating."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.mocks.queue import MockError
from bot.services import mocks
from bot.slack.dm import reply_in_conversation
from bot.slack.render.mock import parse_value, read_rating, read_scores, scores_posted_text

log = logging.getLogger(__name__)


def _submitted(body: dict[str, Any], view: dict[str, Any]) -> tuple[str, int, int, dict]:
    user_id = str((body.get("user") or {}).get("id") or "")
    match_id, number = parse_value(str(view.get("private_metadata") or "0:1"))
    values = (view.get("state") or {}).get("values") or {}
    return user_id, match_id, number, values


def on_feedback_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    runtime = context["runtime"]
    user_id, match_id, number, values = _submitted(body, view)
    try:
        saved = mocks.submit_scores(
            runtime.sessions,
            runtime.clock(),
            match_id,
            number,
            user_id,
            lambda rubric: read_scores(values, rubric),
            library=runtime.library,
        )
    except MockError as exc:  # the round or its pack is gone
        ack(response_action="errors", errors={next(iter(values), "score"): str(exc)})
        return
    if saved.scored is None:
        ack(response_action="errors", errors=saved.field_errors)
        return
    ack()
    scored = saved.scored
    if scored.conversation:
        summary = scores_posted_text(scored.roles, scored.scores, scored.rubric)
        try:
            reply_in_conversation(client, scored.conversation, summary)
        except SlackApiError as exc:
            log.warning("could not post mock %s scores: %s", match_id, exc.response.get("error"))


def on_rating_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    runtime = context["runtime"]
    user_id, match_id, number, values = _submitted(body, view)
    score, comment = read_rating(values)
    if score is None:
        ack(response_action="errors", errors={"helpfulness": "Pick a rating from 1 to 5."})
        return
    try:
        mocks.submit_rating(
            runtime.sessions, runtime.clock(), match_id, number, user_id, score, comment
        )
    except MockError as exc:
        ack(response_action="errors", errors={"helpfulness": str(exc)})
        return
    ack()
