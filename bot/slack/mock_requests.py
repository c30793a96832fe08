"""Asking for a mock partner from Slack, shared by `/mock` and the availability modal: the
member's time zone (users.info), opening the modal, and the request with its reply."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.mocks.availability import MIN_SLOT
from bot.practice.mocks.queue import MOCK_EXPIRY, MockError
from bot.practice.mocks.request import Availability
from bot.runtime import Runtime
from bot.services import mocks
from bot.slack.render.mock import request_reply
from bot.slack.render.mock_refusals import mock_refusal_text
from bot.slack.render.mock_times import availability_modal

log = logging.getLogger(__name__)

ANNOUNCE_FAILED = (
    "You're matched with <@{partner}>, but Slack refused part of the introduction ({reason}). "
    "I'll send it again within a few minutes; meanwhile you can message them directly."
)


def user_zone(client: WebClient, user_id: str) -> tuple[str, int]:
    """The user's IANA time zone and UTC offset in minutes (UTC when Slack does not say)."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return "UTC", 0
    return str(user.get("tz") or "UTC"), int(user.get("tz_offset") or 0) // 60


def open_availability(
    runtime: Runtime, client: WebClient, trigger_id: str, team_id: str, user_id: str, tz: str
) -> bool:
    """The availability modal, prefilled from the last request; False when it cannot open."""
    if not trigger_id:
        return False
    form = mocks.availability_form(runtime.sessions, runtime.clock(), team_id, user_id, tz)
    view = availability_modal(form.tz, form.days, form.picks, form.note)
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("could not open the mock form for %s: %s", user_id, exc.response.get("error"))
        return False
    return True


def request_and_reply(
    runtime: Runtime,
    team_id: str,
    user_id: str,
    note: str,
    zone: tuple[str, int],
    picks: list[str] | None,
    reply: Callable[[str], None],
) -> None:
    """One request (`picks` None: working hours), then one reply to the member."""
    tz, offset = zone
    try:
        requested = mocks.request_partner(
            runtime.sessions,
            runtime.clock(),
            team_id,
            user_id,
            note,
            offset,
            library=runtime.library,
            notifier=runtime.adapters.mocks(),
            availability=Availability(tz, tuple(picks) if picks is not None else None),
            expiry=runtime.settings.mock_expiry or MOCK_EXPIRY,
            slot_length=runtime.settings.mock_slot or MIN_SLOT,
        )
    except MockError as exc:
        reply(mock_refusal_text(exc.refusal))
        return
    outcome = requested.outcome
    if requested.announce_failure:
        reason = requested.announce_failure
        reply(ANNOUNCE_FAILED.format(partner=outcome.partner_id, reason=reason))
        return
    reply(request_reply(outcome))
