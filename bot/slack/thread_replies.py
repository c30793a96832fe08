"""The ack path of a thread reply: most of the events a busy bot gets.

`QueueThreadReplies` is a global Bolt middleware: a person's reply in a thread is validated,
queued for the process's batched writer (`bot/slack/ingest.py`) and acked, without Bolt's
listener matching and the hand-off to a listener thread. Anything else, and a reply that finds
the queue full, goes on to Bolt's listeners: the message listener
(`bot/slack/listeners/events/messages.py`) then waits for room or records the reply itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.slack.deliveries import delivery_key
from bot.slack.ingest import PendingReply
from bot.slack.payloads import REPLY_SUBTYPES, is_human, is_ts, text_of, thread_of

# The message listener's name: the queued reply's delivery claim is the one that listener
# would take, so a retry of the same delivery is ignored whichever path recorded it first
# (`tests/slack/test_thread_replies.py` checks the name).
MESSAGE_LISTENER = "on_message"


def pending_reply(
    event: dict[str, Any], context: BoltContext, client: WebClient, key: str | None
) -> PendingReply | None:
    """What the batched writer records for a person's reply in a thread; None for any other
    message (nothing to record)."""
    thread_ts = thread_of(event)
    if thread_ts is None or not is_human(event) or not is_ts(event.get("ts")):
        return None
    if event.get("user") == context.bot_user_id:
        return None  # the bot never answers (or counts) its own messages
    return PendingReply(
        delivery_key=key,
        team_id=str(context.team_id or ""),
        channel_id=str(event.get("channel") or ""),
        thread_ts=thread_ts,
        user_id=event["user"],
        ts=event["ts"],
        text=text_of(event),
        client=client,
    )


def queue_thread_reply(body: dict[str, Any], context: BoltContext) -> bool:
    """Queue a plain message event for the writer and say it is handled; False for any other
    event, and when the queue is full."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return False
    if event.get("type") != "message" or event.get("subtype") not in REPLY_SUBTYPES:
        return False
    if event.get("channel_type") == "im":
        return False  # a DM thread is a drill's, not a prompt's: its own listener
    reply = pending_reply(event, context, context.client, delivery_key(body, MESSAGE_LISTENER))
    if reply is None:
        return True
    writer = context["runtime"].reply_writer
    return writer is not None and bool(writer.offer(reply))


class QueueThreadReplies(Middleware):
    """Thread replies are queued and acked here; every other request goes on to Bolt's
    listeners. A class, not a function middleware: Bolt calls a function middleware through
    its argument injection on every request, a third of the ack path's CPU in the profile of a
    thread reply (docs/benchmarks.md, "Changes (issue 17, third session)")."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body: Any = req.body
        if isinstance(body, dict) and queue_thread_reply(body, req.context):
            return BoltResponse(status=200, body="")
        return next()
