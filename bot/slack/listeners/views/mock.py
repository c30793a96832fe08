"""Saving the mock modals: the availability form, another time, the interviewer's rubric
scores and the candidate's rating (each side's feedback is shown when both gave theirs)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.mocks.availability import MIN_SLOT
from bot.practice.mocks.queue import MockError
from bot.practice.ports import PublishError
from bot.runtime import Runtime, runtime_of
from bot.services import mocks
from bot.slack.dm import reply_dm, reply_in_conversation
from bot.slack.mock_requests import request_and_reply, user_zone
from bot.slack.payloads import Interaction
from bot.slack.render.fallback import SORRY
from bot.slack.render.mock import parse_value, read_rating, read_scores
from bot.slack.render.mock_feedback import saved_until_reveal
from bot.slack.render.mock_refusals import mock_refusal_text
from bot.slack.render.mock_times import modal_tz, moved_text, read_availability, read_proposal

log = logging.getLogger(__name__)


def _submitted(body: dict[str, Any]) -> tuple[str, int, int, dict[str, Any]]:
    seen = Interaction.of(body)
    match_id, number = parse_value(seen.private_metadata or "0:1")
    return seen.user_id, match_id, number, seen.values()


def on_feedback_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    runtime = runtime_of(context)
    user_id, match_id, number, values = _submitted(body)
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
        ack(
            response_action="errors",
            errors={next(iter(values), "score"): mock_refusal_text(exc.refusal)},
        )
        return
    if saved.refused is not None:
        refused = mock_refusal_text(saved.refused)
        ack(response_action="errors", errors={saved.refused_field: refused})
        return
    if saved.scored is None:
        ack(response_action="errors", errors=saved.field_errors)
        return
    ack()
    _reveal_or_wait(runtime, client, user_id, match_id, number, saved.scored.roles.candidate_id)


def on_rating_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    runtime = runtime_of(context)
    user_id, match_id, number, values = _submitted(body)
    score, comment = read_rating(values)
    if score is None:
        ack(response_action="errors", errors={"helpfulness": "Pick a rating from 1 to 5."})
        return
    try:
        mocks.submit_rating(
            runtime.sessions, runtime.clock(), match_id, number, user_id, score, comment
        )
    except MockError as exc:
        ack(response_action="errors", errors={"helpfulness": mock_refusal_text(exc.refusal)})
        return
    ack()
    rnd = mocks.round_form(runtime.sessions, match_id, number, runtime.library).roles
    _reveal_or_wait(runtime, client, user_id, match_id, number, rnd.interviewer_id)


def _reveal_or_wait(
    runtime: Runtime, client: WebClient, user_id: str, match_id: int, number: int, partner: str
) -> None:
    """After the ack: both ways in the group DM if the partner gave theirs, else tell the
    submitter it waits (the expire-mocks job reveals it 48 h after the slot)."""
    try:
        shown = mocks.reveal_round(
            runtime.sessions,
            runtime.clock(),
            match_id,
            number,
            library=runtime.library,
            notifier=runtime.adapters.mocks(),
        )
    except PublishError as exc:  # released: the job shows it on its next tick
        log.warning("could not reveal mock %s round %s: %s", match_id, number, exc.reason)
        return
    if not shown:
        try:
            reply_dm(client, user_id, saved_until_reveal(partner))
        except SlackApiError as exc:
            log.warning("could not confirm mock feedback: %s", exc.response.get("error"))


def on_availability_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The times ticked (at least one), then the request; the reply comes by DM."""
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    user_id, team_id, values = seen.user_id, seen.team_id, seen.values()
    picks, note = read_availability(values)
    if not picks:
        ack(response_action="errors", errors={"day0": "Tick at least one time you can meet."})
        return
    ack()
    tz = modal_tz(seen.private_metadata)

    def reply(text: str) -> None:
        reply_dm(client, user_id, text)

    runtime.defer(
        lambda: request_and_reply(
            runtime, team_id, user_id, note, (tz, user_zone(client, user_id)[1]), picks, reply
        ),
        on_error=lambda: reply(SORRY),
    )


def on_propose_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Another time both gave: the match moves, the group DM is told."""
    runtime = runtime_of(context)
    seen = Interaction.of(body)
    user_id = seen.user_id
    start = read_proposal(seen.values())
    if start is None:
        ack(response_action="errors", errors={"slot": "Pick a time."})
        return
    try:
        match_id = int(seen.private_metadata)
        moved = mocks.propose_time(
            runtime.sessions,
            runtime.clock(),
            match_id,
            user_id,
            start,
            runtime.settings.mock_slot or MIN_SLOT,
        )
    except (MockError, ValueError) as exc:
        gone = (
            mock_refusal_text(exc.refusal) if isinstance(exc, MockError) else "That mock is gone."
        )
        ack(response_action="errors", errors={"slot": gone})
        return
    ack()
    if moved.conversation:
        try:
            reply_in_conversation(
                client, moved.conversation, moved_text(user_id, moved.choice, moved.match)
            )
        except SlackApiError as exc:
            log.warning("could not tell mock %s it moved: %s", match_id, exc.response.get("error"))
