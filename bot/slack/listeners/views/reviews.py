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

from bot.db import unit_of_work
from bot.practice.ports import PublishError
from bot.practice.reviews.notices import current_brief
from bot.practice.reviews.votes import (
    challenge_failed,
    challenge_posted,
    load_review,
    record_challenge,
    record_scores,
    rubric_for,
)
from bot.slack.listeners.events.home import publish_home
from bot.slack.render.review import score_confirmation
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
    user_id = str((body.get("user") or {}).get("id") or "")
    source = read_metadata(str(view.get("private_metadata") or ""))
    assignment_id, dm_channel = source.assignment_id, source.dm_channel
    now = runtime.clock()
    with unit_of_work(runtime.sessions) as session:
        lookup = (
            load_review(session, assignment_id, user_id, now) if assignment_id is not None else None
        )
        if lookup is None or lookup.target is None:
            message = lookup.message if lookup else "This form is not one of mine."
            ack(response_action="update", view=notice_view(NOT_SAVED, message))
            return
        target = lookup.target
        criteria = [
            c.id for c in rubric_for(session, target.post.post_id, target.pack_id, runtime.library)
        ]
        scores, comment = read_scores(_values(view), criteria)
        result = record_scores(
            session, target.answer_id, user_id, scores, comment, now, criteria=criteria
        )
        if result.field_errors:
            ack(response_action="errors", errors=result.field_errors)
            return
        if not result.ok:
            log.info("refused scores from %s on %s: %s", user_id, assignment_id, result.refusal)
            ack(response_action="update", view=notice_view(NOT_SAVED, result.message))
            return
        session.commit()
    ack()
    log.info("scores saved by %s for answer %s", user_id, target.answer_id)
    _tell(client, dm_channel, user_id, score_confirmation(result.replaced, target.reviews_close_at))
    _update_brief(runtime, user_id, source)
    if not source.dm_channel:  # scored from the App Home: show it one review lighter
        team_id = str(context.team_id or (body.get("team") or {}).get("id") or "")
        publish_home(runtime, client, team_id, user_id)


def _update_brief(runtime: Any, user_id: str, source: ModalSource) -> None:
    """The reviewer's DM rewritten to show what is now scored: the message whose button opened
    the modal, or (opened from the App Home) the brief found by its metadata."""
    if source.assignment_id is None:
        return
    with unit_of_work(runtime.sessions) as session:
        brief = current_brief(session, source.assignment_id, user_id)
    if brief is None:
        return
    try:
        SlackReviewNotifier(runtime.slack).update_brief(brief, source.dm_channel, source.dm_ts)
    except PublishError as exc:
        log.warning("could not update %s's review DM: %s", user_id, exc.reason)


def on_challenge_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: WebClient
) -> None:
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    source = read_metadata(str(view.get("private_metadata") or ""))
    assignment_id, dm_channel = source.assignment_id, source.dm_channel
    if assignment_id is None:
        ack(response_action="update", view=notice_view(NOT_SAVED, "This form is not one of mine."))
        return
    text = read_challenge(_values(view))
    with unit_of_work(runtime.sessions) as session:
        result = record_challenge(
            session,
            assignment_id,
            user_id,
            text,
            runtime.clock(),
            submission_key=str(view.get("id") or "") or None,
        )
        if result.field_error:
            ack(response_action="errors", errors={CHALLENGE_BLOCK: result.field_error})
            return
        if not result.ok:
            log.info("refused challenge from %s on %s: %s", user_id, assignment_id, result.refusal)
            ack(response_action="update", view=notice_view(NOT_SAVED, result.message))
            return
        session.commit()
    ack()
    if result.duplicate or result.challenge_id is None or result.target is None:
        return  # a replayed submission: the first one posted it
    try:
        ts = SlackReviewNotifier(runtime.slack).post_challenge(result.target, text.strip())
    except PublishError as exc:
        log.warning("could not post a challenge by %s: %s", user_id, exc.reason)
        with unit_of_work(runtime.sessions) as session:
            challenge_failed(session, result.challenge_id)
            session.commit()
        _tell(client, dm_channel, user_id, CHALLENGE_FAILED.format(reason=exc.reason))
        return
    with unit_of_work(runtime.sessions) as session:
        challenge_posted(session, result.challenge_id, ts)
        session.commit()
    _tell(client, dm_channel, user_id, "Posted your challenge in the prompt's thread.")
