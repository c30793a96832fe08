"""The mock intro's buttons: "Score the candidate", "Rate the interviewer", "Swap roles"."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.practice.mocks.availability import MIN_SLOT
from bot.practice.mocks.queue import MockError
from bot.services import mocks
from bot.slack.listeners.events.home import publish_home
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.mock_requests import open_availability, user_zone
from bot.slack.render.mock import (
    FEEDBACK_ACTION,
    feedback_modal,
    not_your_button,
    parse_value,
    rating_modal,
)
from bot.slack.render.mock_times import (
    CHECK_IN_ACTION,
    checkin_reply,
    no_other_times,
    propose_modal,
)

log = logging.getLogger(__name__)

NOT_YOURS = "Only the two people in this mock can give its feedback."
SWAP_ANNOUNCE_FAILED = (
    "Roles are swapped, but Slack refused part of round 2's introduction ({reason}). "
    "I'll send it again within a few minutes."
)


def _clicked(body: dict[str, Any]) -> tuple[str, int, int]:
    user_id = str((body.get("user") or {}).get("id") or "")
    action = (body.get("actions") or [{}])[0]
    match_id, number = parse_value(str(action.get("value") or "0:1"))
    return user_id, match_id, number


def _tell(respond: Any, text: str, home: tuple[WebClient, str] | None = None) -> None:
    """Privately where the button was; a button on the App Home (`home`: the client and the
    user) has no response URL, so there the bot's DM says it."""
    if home is not None:
        client, user_id = home
        client.chat_postMessage(channel=user_id, text=text)
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


def _from_home(body: dict[str, Any], client: WebClient) -> tuple[WebClient, str] | None:
    if body.get("response_url") or (body.get("container") or {}).get("type") != "view":
        return None
    return client, str((body.get("user") or {}).get("id") or "")


def on_swap(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> None:
    ack()
    runtime = context["runtime"]
    user_id, match_id, _ = _clicked(body)
    try:
        failure = mocks.swap(
            runtime.sessions,
            runtime.clock(),
            match_id,
            user_id,
            library=runtime.library,
            notifier=SlackMockNotifier(runtime.slack),
        )
    except MockError as exc:
        _tell(respond, str(exc))
        return
    if failure:
        _tell(respond, SWAP_ANNOUNCE_FAILED.format(reason=failure))


def _open_form(body: dict[str, Any], respond: Any, client: WebClient, context: Any) -> None:
    """The button's form for the one person it is for; anyone else is told whose it is."""
    runtime = context["runtime"]
    user_id, match_id, number = _clicked(body)
    action = str(((body.get("actions") or [{}])[0]).get("action_id") or "")
    home = _from_home(body, client)
    try:
        form = mocks.round_form(runtime.sessions, match_id, number, runtime.library)
    except MockError as exc:
        _tell(respond, str(exc), home)
        return
    rnd = form.roles
    if user_id not in (rnd.candidate_id, rnd.interviewer_id):
        _tell(respond, NOT_YOURS, home)
        return
    if action == FEEDBACK_ACTION:
        if user_id != rnd.interviewer_id:
            _tell(respond, not_your_button(action, rnd), home)
            return
        view = feedback_modal(match_id, number, rnd.candidate_id, form.rubric)
    else:
        if user_id != rnd.candidate_id:
            _tell(respond, not_your_button(action, rnd), home)
            return
        view = rating_modal(match_id, number, rnd.interviewer_id)
    client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)


def on_score_candidate(
    ack: Any, body: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    """ "Score the candidate": the rubric modal, for the round's interviewer only."""
    ack()
    _open_form(body, respond, client, context)


def on_rate_interviewer(
    ack: Any, body: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    """ "Rate the interviewer": the helpfulness rating, for the round's candidate only."""
    ack()
    _open_form(body, respond, client, context)


def on_leave_queue(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    """The App Home's "Leave the queue": `/mock cancel`, then the Home shows the new state."""
    ack()
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
    left = mocks.cancel(runtime.sessions, runtime.clock(), team_id, user_id)
    log.info("mock queue left from the App Home by %s: %s", user_id, left)
    publish_home(runtime, client, team_id, user_id)


def on_find_partner(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    """The App Home's "Find a mock partner": the availability modal, as `/mock` opens it."""
    ack()
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
    zone = user_zone(client, user_id)
    trigger = str(body.get("trigger_id") or "")
    if not open_availability(runtime, client, trigger, team_id, user_id, zone[0]):
        client.chat_postMessage(
            channel=user_id,
            text="I couldn't open the form just now. `/mock` in any channel does the same.",
        )


def on_propose(
    ack: Any, body: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    """ "Propose another time": the slots both partners gave, in the presser's time zone."""
    ack()
    runtime = context["runtime"]
    user_id, match_id, _ = _clicked(body)
    slot = runtime.settings.mock_slot or MIN_SLOT
    try:
        choices = mocks.other_times(runtime.sessions, runtime.clock(), match_id, user_id, slot)
    except MockError as exc:
        _tell(respond, str(exc))
        return
    if not choices:
        _tell(respond, no_other_times())
        return
    tz, _ = user_zone(client, user_id)
    view = propose_modal(match_id, choices, tz)
    client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)


def on_check_in(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> None:
    """ "Did it happen?": one of four answers, stored; the reply replaces the question."""
    ack()
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    action = (body.get("actions") or [{}])[0]
    outcome = str(action.get("action_id") or "").removeprefix(f"{CHECK_IN_ACTION}_")
    try:
        match_id = int(str(action.get("value") or ""))
        result = mocks.check_in(
            runtime.sessions,
            runtime.clock(),
            match_id,
            user_id,
            outcome,
            notifier=SlackMockNotifier(runtime.slack),
        )
    except ValueError:
        _tell(respond, "That button is no longer valid.")
        return
    except MockError as exc:
        _tell(respond, str(exc))
        return
    respond(text=checkin_reply(result), replace_original=True)
