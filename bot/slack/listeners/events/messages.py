"""Replies in a prompt's thread become answers; edits update them; deletions withdraw them."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import unit_of_work
from bot.practice.answers import RecordedAnswer, record_delete, record_edit
from bot.slack.deliveries import claims_own_delivery, delivery_key
from bot.slack.ingest import PendingReply
from bot.slack.render.text import slack_date

log = logging.getLogger(__name__)

COUNTED_REACTION = "white_check_mark"
# Subtypes that are still a person's reply; everything else (joins, bots, topic...) is not.
REPLY_SUBTYPES = {None, "thread_broadcast", "file_share"}


@claims_own_delivery
def on_message(event: dict[str, Any], context: Any, client: WebClient) -> None:
    subtype = event.get("subtype")
    if subtype in REPLY_SUBTYPES:
        _on_reply(event, context, client)
    elif subtype == "message_changed":
        _on_edit(event, context)
    elif subtype == "message_deleted":
        _on_delete(event, context)


def _is_human(message: dict[str, Any]) -> bool:
    """A person's message: a user id, and no bot or app behind it (the bot's own included)."""
    user = message.get("user")
    return (
        isinstance(user, str)
        and bool(user)
        and not message.get("bot_id")
        and not message.get("app_id")
    )


TS = re.compile(r"\d{1,12}\.\d{1,6}")


def _is_ts(value: Any) -> bool:
    """A Slack message timestamp ("1700000000.000100"); anything else is a malformed payload."""
    return isinstance(value, str) and TS.fullmatch(value) is not None


def _text(message: dict[str, Any]) -> str:
    text = message.get("text")
    return text if isinstance(text, str) else ""


def _thread_of(message: dict[str, Any]) -> str | None:
    """The parent ts when `message` is a reply in a thread, else None."""
    thread_ts = message.get("thread_ts")
    if not _is_ts(thread_ts) or thread_ts == message.get("ts"):
        return None
    return thread_ts


def _on_reply(event: dict[str, Any], context: Any, client: WebClient) -> None:
    # Reached when the ack path could not queue the reply (`queue_thread_reply`): the queue
    # was full, so this listener thread waits for room or records the reply itself.
    reply = pending_reply(event, context, client, context["delivery"].key)
    if reply is not None:
        context["runtime"].reply_writer.submit(reply)


def pending_reply(
    event: dict[str, Any], context: Any, client: WebClient, delivery_key: str | None
) -> PendingReply | None:
    """What the batched writer records for a person's reply in a thread; None for any other
    message (nothing to record)."""
    thread_ts = _thread_of(event)
    if thread_ts is None or not _is_human(event) or not _is_ts(event.get("ts")):
        return None
    if event.get("user") == context.bot_user_id:
        return None  # the bot never answers (or counts) its own messages
    # Recorded by the process's batched writer (its own thread, its own transactions), which
    # also adds the reaction or the late notice once the reply is committed.
    return PendingReply(
        delivery_key=delivery_key,
        team_id=str(context.team_id or ""),
        channel_id=str(event.get("channel") or ""),
        thread_ts=thread_ts,
        user_id=event["user"],
        ts=event["ts"],
        text=_text(event),
        client=client,
    )


def queue_thread_reply(body: dict[str, Any], context: Any) -> bool:
    """The ack path of a plain message event: queue it for the writer and say it is handled.

    Runs as a global middleware, so a thread reply (most of the events a busy bot gets) is
    acked without Bolt's listener matching and hand-off to a listener thread. False for any
    other event, and when the queue is full: then `on_message` runs as usual, after the ack.
    """
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return False
    if event.get("type") != "message" or event.get("subtype") not in REPLY_SUBTYPES:
        return False
    reply = pending_reply(
        event, context, context.client, delivery_key(body, on_message.__qualname__)
    )
    return reply is None or context["runtime"].reply_writer.offer(reply)


def _on_edit(event: dict[str, Any], context: Any) -> None:
    message = event.get("message")
    if not isinstance(message, dict):
        return
    thread_ts = _thread_of(message)
    if thread_ts is None or not _is_human(message) or not _is_ts(message.get("ts")):
        return
    edited = message.get("edited")
    edit_ts = (edited.get("ts") if isinstance(edited, dict) else None) or event.get("event_ts")
    edit_ts = edit_ts or event.get("ts")
    if not _is_ts(edit_ts):
        return
    runtime = context["runtime"]
    with unit_of_work(runtime.sessions) as session:
        post = runtime.thread_posts.lookup(
            session, str(context.team_id or ""), str(event.get("channel") or ""), thread_ts
        )
        if post is None or not context["delivery"].take(session):
            return
        record_edit(
            session,
            post,
            message["user"],
            message["ts"],
            _text(message),
            str(edit_ts),
        )
        session.commit()


def _on_delete(event: dict[str, Any], context: Any) -> None:
    previous = event.get("previous_message")
    if not isinstance(previous, dict):
        previous = {}
    deleted_ts = event.get("deleted_ts") or previous.get("ts")
    thread_ts = previous.get("thread_ts")
    if not _is_ts(deleted_ts) or not _is_ts(thread_ts) or thread_ts == deleted_ts:
        return
    runtime = context["runtime"]
    with unit_of_work(runtime.sessions) as session:
        post = runtime.thread_posts.lookup(
            session, str(context.team_id or ""), str(event.get("channel") or ""), thread_ts
        )
        if post is None or not context["delivery"].take(session):
            return
        owner = previous.get("user")
        record_delete(session, post, deleted_ts, owner if isinstance(owner, str) else None)
        session.commit()


def acknowledge(
    client: WebClient, channel_id: str, thread_ts: str, answer: RecordedAnswer, closes_at: Any
) -> None:
    """A reaction on a counted answer; a one-time private note on a late one."""
    try:
        if answer.react:
            client.reactions_add(
                channel=channel_id, timestamp=answer.message_ts, name=COUNTED_REACTION
            )
        if answer.tell_late:
            client.chat_postEphemeral(
                channel=channel_id,
                user=answer.user_id,
                thread_ts=thread_ts,
                text=(
                    f"Answers for this prompt closed {slack_date(closes_at)}. I kept yours as a "
                    "late answer: it is saved, but it will not be reviewed or scored."
                ),
            )
    except SlackApiError as exc:
        if exc.response.get("error") != "already_reacted":
            log.warning(
                "could not acknowledge an answer in %s: %s", channel_id, exc.response.get("error")
            )
