"""Replies in a prompt's thread become answers; edits update them; deletions withdraw them.

Most replies never reach this listener: the ack path queues them (`bot/slack/thread_replies.py`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.runtime import runtime_of
from bot.services.threads import ThreadChange, record_thread_change
from bot.slack.deliveries import claims_own_delivery
from bot.slack.payloads import REPLY_SUBTYPES, is_human, is_ts, text_of, thread_of
from bot.slack.thread_replies import pending_reply


@claims_own_delivery
def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    subtype = event.get("subtype")
    if subtype in REPLY_SUBTYPES:
        _on_reply(event, context, client)
        return
    change = None
    if subtype == "message_changed":
        change = _edit(event, str(context.team_id or ""))
    elif subtype == "message_deleted":
        change = _deletion(event, str(context.team_id or ""))
    if change is not None:
        runtime = runtime_of(context)
        record_thread_change(runtime.sessions, runtime.thread_posts, change, context["delivery"])


def _on_reply(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    # Reached when the ack path could not queue the reply: the queue was full, so this
    # listener thread waits for room or records the reply itself.
    reply = pending_reply(event, context, client, context["delivery"].key)
    writer = runtime_of(context).reply_writer
    if reply is not None and writer is not None:
        writer.submit(reply)


def _edit(event: dict[str, Any], team_id: str) -> ThreadChange | None:
    message = event.get("message")
    if not isinstance(message, dict):
        return None
    thread_ts = thread_of(message)
    if thread_ts is None or not is_human(message) or not is_ts(message.get("ts")):
        return None
    edited = message.get("edited")
    edit_ts = (edited.get("ts") if isinstance(edited, dict) else None) or event.get("event_ts")
    edit_ts = edit_ts or event.get("ts")
    if not is_ts(edit_ts):
        return None
    return ThreadChange(
        team_id=team_id,
        channel_id=str(event.get("channel") or ""),
        thread_ts=thread_ts,
        ts=message["ts"],
        user_id=message["user"],
        text=text_of(message),
        edit_ts=str(edit_ts),
    )


def _deletion(event: dict[str, Any], team_id: str) -> ThreadChange | None:
    previous = event.get("previous_message")
    if not isinstance(previous, dict):
        previous = {}
    deleted_ts = event.get("deleted_ts") or previous.get("ts")
    thread_ts = previous.get("thread_ts")
    if not is_ts(deleted_ts) or not is_ts(thread_ts) or thread_ts == deleted_ts:
        return None
    owner = previous.get("user")
    return ThreadChange(
        team_id=team_id,
        channel_id=str(event.get("channel") or ""),
        thread_ts=str(thread_ts),
        ts=str(deleted_ts),
        user_id=owner if isinstance(owner, str) else None,
    )
