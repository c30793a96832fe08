"""The mock intro's buttons: "Score the candidate", "Rate the interviewer", "Swap roles"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.practice.mocks.availability import MIN_SLOT
from bot.practice.mocks.queue import MockError
from bot.runtime import runtime_of
from bot.services import mocks
from bot.slack.dm import reply_dm
from bot.slack.home_publisher import publish_home
from bot.slack.mock_requests import open_availability, user_zone
from bot.slack.payloads import Interaction
from bot.slack.render.mock import (
    FEEDBACK_ACTION,
    feedback_modal,
    not_your_button,
    parse_value,
    rating_modal,
)
from bot.slack.render.mock_refusals import mock_refusal_text
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
    seen = Interaction.of(body)
    match_id, number = parse_value(seen.value or "0:1")
    return seen.user_id, match_id, number


def _tell(respond: Respond, text: str, home: tuple[WebClient, str] | None = None) -> None:
    """Privately where the button was; a button on the App Home (`home`: the client and the
    user) has no response URL, so there the bot's DM says it."""
    if home is not None:
        client, user_id = home
        reply_dm(client, user_id, text)
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


def _from_home(body: dict[str, Any], client: WebClient) -> tuple[WebClient, str] | None:
    if Interaction.of(body).response_url or (body.get("container") or {}).get("type") != "view":
        return None
    return client, Interaction.of(body).user_id


def on_swap(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    runtime = runtime_of(context)
    user_id, match_id, _ = _clicked(body)
    try:
        failure = mocks.swap(
            runtime.sessions,
            runtime.clock(),
            match_id,
            user_id,
            library=runtime.library,
            notifier=runtime.adapters.mocks(),
        )
    except MockError as exc:
        _tell(respond, mock_refusal_text(exc.refusal))
        return
    if failure:
        _tell(respond, SWAP_ANNOUNCE_FAILED.format(reason=failure))


def _open_form(
    body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """The button's form for the one person it is for; anyone else is told whose it is."""
    runtime = runtime_of(context)
    user_id, match_id, number = _clicked(body)
    action = Interaction.of(body).action_id
    home = _from_home(body, client)
    try:
        form = mocks.round_form(runtime.sessions, match_id, number, runtime.library)
    except MockError as exc:
        _tell(respond, mock_refusal_text(exc.refusal), home)
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
    client.views_open(trigger_id=Interaction.of(body).trigger_id, view=view)


def on_score_candidate(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """ "Score the candidate": the rubric modal, for the round's interviewer only."""
    ack()
    _open_form(body, respond, client, context)


def on_rate_interviewer(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """ "Rate the interviewer": the helpfulness rating, for the round's candidate only."""
    ack()
    _open_form(body, respond, client, context)


def on_leave_queue(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The App Home's "Leave the queue": `/mock cancel`, then the Home shows the new state."""
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    user_id, team_id = seen.user_id, seen.team_id
    left = mocks.cancel(runtime.sessions, runtime.clock(), team_id, user_id)
    log.info("mock queue left from the App Home by %s: %s", user_id, left)
    publish_home(runtime, client, team_id, user_id)


def on_find_partner(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The App Home's "Find a mock partner": the availability modal, as `/mock` opens it."""
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    user_id, team_id = seen.user_id, seen.team_id
    zone = user_zone(client, user_id)
    trigger = Interaction.of(body).trigger_id
    if not open_availability(runtime, client, trigger, team_id, user_id, zone[0]):
        reply_dm(
            client,
            user_id,
            "I couldn't open the form just now. `/mock` in any channel does the same.",
        )


def on_propose(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """ "Propose another time": the slots both partners gave, in the presser's time zone."""
    ack()
    runtime = runtime_of(context)
    user_id, match_id, _ = _clicked(body)
    slot = runtime.settings.mock_slot or MIN_SLOT
    try:
        choices = mocks.other_times(runtime.sessions, runtime.clock(), match_id, user_id, slot)
    except MockError as exc:
        _tell(respond, mock_refusal_text(exc.refusal))
        return
    if not choices:
        _tell(respond, no_other_times())
        return
    tz, _ = user_zone(client, user_id)
    view = propose_modal(match_id, choices, tz)
    client.views_open(trigger_id=Interaction.of(body).trigger_id, view=view)


def on_check_in(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """ "Did it happen?": one of four answers, stored; the reply replaces the question."""
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body)
    user_id = seen.user_id
    outcome = seen.action_id.removeprefix(f"{CHECK_IN_ACTION}_")
    try:
        match_id = int(seen.value)
        result = mocks.check_in(
            runtime.sessions,
            runtime.clock(),
            match_id,
            user_id,
            outcome,
            notifier=runtime.adapters.mocks(),
        )
    except ValueError:
        _tell(respond, "That button is no longer valid.")
        return
    except MockError as exc:
        _tell(respond, mock_refusal_text(exc.refusal))
        return
    respond(text=checkin_reply(result), replace_original=True)
