"""A member's reply in a drill DM's thread is kept as their drill answer (issue 25).

Only DM thread replies reach this listener (`is_dm_thread_reply`, registered before the
channel message listener); the first reply of a drill's thread gets a receipt there with
"Ask for a review".
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import runtime_of
from bot.services.drills import record_drill_answer
from bot.slack.dm import reply_in_thread
from bot.slack.payloads import REPLY_SUBTYPES, is_human, is_ts, text_of, thread_of
from bot.slack.render.goals import drill_receipt

log = logging.getLogger(__name__)


def is_dm_thread_reply(event: dict[str, Any]) -> bool:
    """A person's reply in a thread of a DM with the bot."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in REPLY_SUBTYPES
        and thread_of(event) is not None
    )


def on_dm_thread_reply(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    thread_ts = thread_of(event)
    if thread_ts is None or not is_human(event) or not is_ts(event.get("ts")):
        return
    if event.get("user") == context.bot_user_id:
        return
    runtime = runtime_of(context)
    channel_id = str(event.get("channel") or "")
    recorded = record_drill_answer(
        runtime.sessions,
        str(context.team_id or ""),
        str(event["user"]),
        channel_id,
        thread_ts,
        str(event["ts"]),
        text_of(event),
        runtime.clock(),
    )
    if recorded is None or not recorded.first:
        return
    text, blocks = drill_receipt(recorded.drill_id)
    try:
        reply_in_thread(client, channel_id, thread_ts, text, blocks)
    except SlackApiError as exc:  # the answer is kept; only the receipt is missing
        log.warning("drill %s receipt not sent: %s", recorded.drill_id, exc.response.get("error"))
