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

from bot.practice.reviews.votes import ChallengeResult
from bot.runtime import runtime_of
from bot.services.reviews import (
    BriefMessage,
    ScoreSubmission,
    submit_challenge,
    submit_scores,
)
from bot.slack.payloads import Interaction
from bot.slack.render.home import home_view
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
    values = seen.values()

    def answer_modal(saved: ScoreSubmission) -> None:
        if saved.field_errors:
            ack(response_action="errors", errors=saved.field_errors)
        elif saved.target is None:
            ack(response_action="update", view=notice_view(NOT_SAVED, saved.refusal))
        else:
            ack()

    saved = submit_scores(
        runtime.sessions,
        assignment_id,
        user_id,
        lambda criteria: read_scores(values, criteria),
        runtime.clock(),
        library=runtime.library,
        notifier=runtime.adapters.reviews(),
        brief=BriefMessage(source.dm_channel, source.dm_ts),
        on_saved=answer_modal,
        with_home=not source.dm_channel,  # scored from the App Home: show it one review lighter
    )
    if saved.target is None:
        return
    unlocked = unlocked_text(saved.own) if saved.own is not None else ""
    confirmation = score_confirmation(saved.replaced, saved.target.reviews_close_at)
    _tell(client, source.dm_channel, user_id, confirmation + unlocked)
    if saved.home is not None:
        client.views_publish(user_id=user_id, view=home_view(saved.home.home, saved.home.names))


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
