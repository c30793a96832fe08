"""Saving the mock modals: the interviewer's rubric scores and the candidate's rating."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import unit_of_work
from bot.practice.mocks.queue import MockError
from bot.practice.mocks.rounds import get_match, mock_rubric, rate_interviewer, record_mock_scores
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
    with unit_of_work(runtime.sessions) as session:
        try:
            rubric = mock_rubric(session, match_id, number, runtime.library)
        except MockError as exc:
            ack(response_action="errors", errors={next(iter(values), "score"): str(exc)})
            return
        scores = read_scores(values, rubric)
        missing = {c.id: "Pick a score from 1 to 5." for c in rubric if c.id not in scores}
        if missing:
            ack(response_action="errors", errors=missing)
            return
        try:
            rnd = record_mock_scores(
                session, match_id, number, user_id, scores, runtime.clock(), library=runtime.library
            )
        except MockError as exc:
            ack(response_action="errors", errors={rubric[0].id: str(exc)})
            return
        ack()
        conversation = get_match(session, match_id).conversation_id
        summary = scores_posted_text(rnd, scores, rubric)
    log.info("mock %s round %s scored by %s", match_id, number, user_id)
    if conversation:
        try:
            client.chat_postMessage(channel=conversation, text=summary)
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
    with unit_of_work(runtime.sessions) as session:
        try:
            rate_interviewer(session, match_id, number, user_id, score, comment, runtime.clock())
        except MockError as exc:
            ack(response_action="errors", errors={"helpfulness": str(exc)})
            return
    ack()
    log.info("mock %s round %s: interviewer rated by %s", match_id, number, user_id)
