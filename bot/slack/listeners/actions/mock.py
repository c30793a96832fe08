"""The mock intro's buttons: "Swap roles" and "Done: give feedback"."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.db import unit_of_work
from bot.practice.mocks.queue import MockError
from bot.practice.mocks.rounds import announce_round, get_round, mock_rubric, swap_roles
from bot.practice.ports import PublishError
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.render.mock import feedback_modal, parse_value, rating_modal

log = logging.getLogger(__name__)

NOT_YOURS = "Only the two people in this mock can give its feedback."


def _clicked(body: dict[str, Any]) -> tuple[str, int, int]:
    user_id = str((body.get("user") or {}).get("id") or "")
    action = (body.get("actions") or [{}])[0]
    match_id, number = parse_value(str(action.get("value") or "0:1"))
    return user_id, match_id, number


def _tell(respond: Any, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def on_swap(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> None:
    ack()
    runtime = context["runtime"]
    user_id, match_id, _ = _clicked(body)
    now = runtime.clock()
    with unit_of_work(runtime.sessions) as session:
        try:
            rnd = swap_roles(session, match_id, user_id, now, library=runtime.library)
        except MockError as exc:
            _tell(respond, str(exc))
            return
        log.info("mock %s: roles swapped by %s", match_id, user_id)
        try:
            announce_round(
                session,
                match_id,
                rnd.round,
                now,
                library=runtime.library,
                notifier=SlackMockNotifier(runtime.slack),
            )
        except PublishError as exc:
            log.error("could not announce round 2 of mock %s: %s", match_id, exc.reason)
            _tell(
                respond,
                f"Roles are swapped, but Slack refused part of round 2's introduction "
                f"({exc.reason}). I'll send it again within a few minutes.",
            )


def on_feedback(
    ack: Any, body: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    """The interviewer gets the rubric modal; the candidate the helpfulness rating."""
    ack()
    runtime = context["runtime"]
    user_id, match_id, number = _clicked(body)
    with unit_of_work(runtime.sessions) as session:
        try:
            rnd = get_round(session, match_id, number)
            rubric = mock_rubric(session, match_id, runtime.library)
        except MockError as exc:
            _tell(respond, str(exc))
            return
        candidate, interviewer = rnd.candidate_id, rnd.interviewer_id
    if user_id == interviewer:
        view = feedback_modal(match_id, number, candidate, rubric)
    elif user_id == candidate:
        view = rating_modal(match_id, number, interviewer)
    else:
        _tell(respond, NOT_YOURS)
        return
    client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)
