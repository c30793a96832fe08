"""Submitting the challenge and scoring modals.

Field problems go back into the modal (`response_action: errors`); a refusal (not assigned,
own answer, reviews closed...) replaces the modal with a message and changes nothing. Scores
are upserts, so double submissions collapse; a replayed challenge submission is recognised by
its view id and posted once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.ports import PublishError
from bot.practice.reviews.votes import ChallengeResult
from bot.runtime import Runtime, runtime_of
from bot.services.reviews import brief_as_it_stands, submit_challenge, submit_scores
from bot.slack.home_publisher import publish_home
from bot.slack.payloads import Interaction
from bot.slack.render.review import score_confirmation
from bot.slack.render.review_feedback import unlocked_text
from bot.slack.render.review_modals import (
    CHALLENGE_BLOCK,
    ModalSource,
    notice_view,
    read_challenge,
    read_metadata,
    read_scores,
)

log = logging.getLogger(__name__)

NOT_SAVED = "Not saved"
CHALLENGE_FAILED = (
    "I could not post your challenge in the thread just now ({reason}). Nothing was kept; "
    "please try again in a minute."
)


NOT_MINE = "This form is not one of mine."


def _form(ack: Ack, seen: Interaction) -> tuple[str, ModalSource, int] | None:
    """Who submitted, the modal's metadata and its review; None (the modal told so) when the
    metadata names no review of ours."""
    source = read_metadata(seen.private_metadata)
    if source.assignment_id is None:
        ack(response_action="update", view=notice_view(NOT_SAVED, NOT_MINE))
        return None
    return seen.user_id, source, source.assignment_id


def _tell(client: WebClient, dm_channel: str | None, user_id: str, text: str) -> None:
    if not dm_channel:
        return
    try:
        client.chat_postEphemeral(channel=dm_channel, user=user_id, text=text)
    except SlackApiError as exc:
        log.warning("could not confirm to %s: %s", user_id, exc.response.get("error"))


def on_score_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    form = _form(ack, seen)
    if form is None:
        return
    user_id, source, assignment_id = form
    dm_channel = source.dm_channel
    values = seen.values()
    saved = submit_scores(
        runtime.sessions,
        assignment_id,
        user_id,
        lambda criteria: read_scores(values, criteria),
        runtime.clock(),
        library=runtime.library,
    )
    if saved.field_errors:
        ack(response_action="errors", errors=saved.field_errors)
        return
    if saved.target is None:
        ack(response_action="update", view=notice_view(NOT_SAVED, saved.refusal))
        return
    ack()
    closes = saved.target.reviews_close_at
    unlocked = unlocked_text(saved.own) if saved.own is not None else ""
    _tell(client, dm_channel, user_id, score_confirmation(saved.replaced, closes) + unlocked)
    _update_brief(runtime, user_id, source)
    if not source.dm_channel:  # scored from the App Home: show it one review lighter
        publish_home(runtime, client, seen.team_id, user_id)


def _update_brief(runtime: Runtime, user_id: str, source: ModalSource) -> None:
    """The reviewer's DM rewritten to show what is now scored: the message whose button opened
    the modal, or (opened from the App Home) the brief found by its metadata."""
    if source.assignment_id is None:
        return
    brief = brief_as_it_stands(runtime.sessions, source.assignment_id, user_id)
    if brief is None:
        return
    try:
        runtime.adapters.reviews().update_brief(brief, source.dm_channel, source.dm_ts)
    except PublishError as exc:
        log.warning("could not update %s's review DM: %s", user_id, exc.reason)


def on_challenge_submitted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    seen = Interaction.of(body, context.team_id)
    form = _form(ack, seen)
    if form is None:
        return
    user_id, source, assignment_id = form
    runtime, dm_channel = runtime_of(context), source.dm_channel

    def answer_modal(result: ChallengeResult) -> None:
        if result.field_error:
            ack(response_action="errors", errors={CHALLENGE_BLOCK: result.field_error})
        elif not result.ok:
            ack(response_action="update", view=notice_view(NOT_SAVED, result.message))
        else:
            ack()

    submitted = submit_challenge(
        runtime.sessions,
        assignment_id,
        user_id,
        read_challenge(seen.values()),
        runtime.clock(),
        notifier=runtime.adapters.reviews(),
        submission_key=seen.view_id or None,
        on_recorded=answer_modal,
    )
    if submitted.failure:
        _tell(client, dm_channel, user_id, CHALLENGE_FAILED.format(reason=submitted.failure))
    elif submitted.posted:
        _tell(client, dm_channel, user_id, "Posted your challenge in the prompt's thread.")
