"""Buttons around reviews that are not the reviewer's own: "Take this review" in a stand-in
offer, the author's prediction of their own score (in their review DM, or on the App Home)
and Helpful / Not really under each review in the author's summary.

Each acks first, makes one service call and answers privately; everything is re-checked on
the server (a button may be stale, forwarded or forged) and a refusal changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.runtime import runtime_of
from bot.services.reviews import accept_standin, predict, rate
from bot.slack.dm import reply_privately
from bot.slack.home_publisher import publish_home
from bot.slack.payloads import Interaction
from bot.slack.render.review_feedback import predicted_text, rated_text, word_modal

log = logging.getLogger(__name__)

BAD_BUTTON = "That button no longer works. Nothing was changed."
TAKEN = (
    "It is yours, thank you! Your review brief is in a new DM: challenge the answer and score "
    "it there. It counts like any review."
)


def _clicked(body: dict[str, Any]) -> tuple[str, str]:
    seen = Interaction.of(body)
    return seen.user_id, seen.value


def _reply(respond: Respond, body: dict[str, Any], client: WebClient, text: str) -> None:
    """Replace the clicked message's buttons with the answer (a DM or an ephemeral);
    on the App Home, which has no response URL, by DM."""
    if body.get("response_url"):
        respond(text=text, replace_original=True)
    else:
        reply_privately(respond, body, client, text)


def on_standin_take(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    runtime = runtime_of(context)
    user_id, value = _clicked(body)
    if not value.isdigit():
        reply_privately(respond, body, client, BAD_BUTTON)
        return
    taken = accept_standin(
        runtime.sessions,
        int(value),
        user_id,
        runtime.clock(),
        notifier=runtime.adapters.reviews(),
    )
    if taken.brief is None:
        log.info("stand-in %s refused for %s: %s", value, user_id, taken.refusal)
        _reply(respond, body, client, taken.message)
        return
    _reply(respond, body, client, TAKEN)


def on_predict(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ack()
    runtime = runtime_of(context)
    user_id, value = _clicked(body)
    answer, _, score = value.partition(":")
    if not (answer.isdigit() and score.isdigit()):
        reply_privately(respond, body, client, BAD_BUTTON)
        return
    result = predict(runtime.sessions, int(answer), user_id, int(score), runtime.clock())
    if result.score is None:
        reply_privately(respond, body, client, result.message)
        return
    if body.get("response_url"):  # in the review DM: a private note, the brief stays
        reply_privately(respond, body, client, predicted_text(result.score, result.already))
        return
    team_id = Interaction.of(body, context.team_id).team_id
    publish_home(runtime, client, team_id, user_id)  # on the App Home: shown there


def on_rate_helpful(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    _on_rate(ack, body, client, context, respond, helpful=True)


def on_rate_not_helpful(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    _on_rate(ack, body, client, context, respond, helpful=False)


def _on_rate(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    *,
    helpful: bool,
) -> None:
    """Recorded on the click (once per review); then an optional word in a small modal."""
    ack()
    runtime = runtime_of(context)
    user_id, value = _clicked(body)
    if not value.isdigit():
        reply_privately(respond, body, client, BAD_BUTTON)
        return
    rating = rate(runtime.sessions, int(value), user_id, helpful, runtime.clock())
    if rating.helpful is None:
        reply_privately(respond, body, client, rating.message)
        return
    if rating.already:
        reply_privately(respond, body, client, rated_text(rating.helpful, already=True))
        return
    trigger_id = Interaction.of(body).trigger_id
    client.views_open(trigger_id=trigger_id, view=word_modal(int(value), helpful))
