"""Submitting the challenge and scoring modals.

Field problems go back into the modal (`response_action: errors`); a refusal (not assigned,
own answer, reviews closed...) replaces the modal with a message and changes nothing. Scores
are upserts, so double submissions collapse; a replayed challenge submission is recognised by
its view id and posted once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.ports import PublishError
from bot.practice.reviews.votes import ChallengeResult
from bot.services.reviews import brief_as_it_stands, submit_challenge, submit_scores
from bot.slack.listeners.events.home import publish_home
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
from bot.slack.review_notifier import SlackReviewNotifier

log = logging.getLogger(__name__)

NOT_SAVED = "Not saved"
CHALLENGE_FAILED = (
    "I could not post your challenge in the thread just now ({reason}). Nothing was kept; "
    "please try again in a minute."
)


NOT_MINE = "This form is not one of mine."


def _form(
    ack: Any, body: dict[str, Any], view: dict[str, Any]
) -> tuple[str, ModalSource, int] | None:
    """Who submitted, the modal's metadata and its review; None (the modal told so) when the
    metadata names no review of ours."""
    user_id = str((body.get("user") or {}).get("id") or "")
    source = read_metadata(str(view.get("private_metadata") or ""))
    if source.assignment_id is None:
        ack(response_action="update", view=notice_view(NOT_SAVED, NOT_MINE))
        return None
    return user_id, source, source.assignment_id


def _values(view: dict[str, Any]) -> dict[str, Any]:
    return (view.get("state") or {}).get("values") or {}


def _tell(client: WebClient, dm_channel: str | None, user_id: str, text: str) -> None:
    if not dm_channel:
        return
    try:
        client.chat_postEphemeral(channel=dm_channel, user=user_id, text=text)
    except SlackApiError as exc:
        log.warning("could not confirm to %s: %s", user_id, exc.response.get("error"))


def on_score_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    runtime = context["runtime"]
    form = _form(ack, body, view)
    if form is None:
        return
    user_id, source, assignment_id = form
    dm_channel = source.dm_channel
    values = _values(view)
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
        team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
        publish_home(runtime, client, team_id, user_id)


def _update_brief(runtime: Any, user_id: str, source: ModalSource) -> None:
    """The reviewer's DM rewritten to show what is now scored: the message whose button opened
    the modal, or (opened from the App Home) the brief found by its metadata."""
    if source.assignment_id is None:
        return
    brief = brief_as_it_stands(runtime.sessions, source.assignment_id, user_id)
    if brief is None:
        return
    try:
        SlackReviewNotifier(runtime.slack).update_brief(brief, source.dm_channel, source.dm_ts)
    except PublishError as exc:
        log.warning("could not update %s's review DM: %s", user_id, exc.reason)


def on_challenge_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    form = _form(ack, body, view)
    if form is None:
        return
    user_id, source, assignment_id = form
    runtime, dm_channel = context["runtime"], source.dm_channel

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
        read_challenge(_values(view)),
        runtime.clock(),
        notifier=SlackReviewNotifier(runtime.slack),
        submission_key=str(view.get("id") or "") or None,
        on_recorded=answer_modal,
    )
    if submitted.failure:
        _tell(client, dm_channel, user_id, CHALLENGE_FAILED.format(reason=submitted.failure))
    elif submitted.posted:
        _tell(client, dm_channel, user_id, "Posted your challenge in the prompt's thread.")
