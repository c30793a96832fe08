"""Replies, edits and deletions in a prompt's thread: one transaction per change (or per batch
of replies, for `bot/slack/ingest.py`'s batched writer), the deliveries' claims included."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from bot.db import SessionFactory, unit_of_work
from bot.practice.answers import (
    PostRef,
    RecordedAnswer,
    Reply,
    record_delete,
    record_edit,
    record_replies,
)
from bot.practice.deliveries import claim_deliveries
from bot.practice.posting import ThreadPost, ThreadPosts
from bot.services.deliveries import Delivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThreadChange:
    """An edit (`edit_ts` set) or a deletion (`edit_ts` None) of a message in a thread."""

    team_id: str
    channel_id: str
    thread_ts: str
    ts: str
    user_id: str | None
    text: str = ""
    edit_ts: str | None = None


def record_thread_change(
    sessions: SessionFactory, posts: ThreadPosts, change: ThreadChange, delivery: Delivery
) -> bool:
    """Record an edit or a deletion if it is in a prompt's thread and the delivery is new;
    False when it is neither."""
    if change.edit_ts is not None and change.user_id is not None:
        user_id, edit_ts = change.user_id, change.edit_ts

        def record(session: Session, post: PostRef) -> object:
            return record_edit(session, post, user_id, change.ts, change.text, edit_ts)
    else:

        def record(session: Session, post: PostRef) -> object:
            return record_delete(session, post, change.ts, change.user_id)

    where = (change.team_id, change.channel_id, change.thread_ts)
    return _record_in_thread(sessions, posts, where, delivery, record)


def _record_in_thread(
    sessions: SessionFactory,
    posts: ThreadPosts,
    where: tuple[str, str, str],
    delivery: Delivery,
    record: Callable[[Session, PostRef], object],
) -> bool:
    with unit_of_work(sessions) as session:
        post = posts.lookup(session, *where)
        if post is None or not delivery.take(session):
            return False
        record(session, post)
        session.commit()
    return True


class ThreadReply(Protocol):
    """A person's reply in a thread, as Slack delivered it (`bot/slack/ingest.PendingReply`)."""

    @property
    def delivery_key(self) -> str | None: ...
    @property
    def team_id(self) -> str: ...
    @property
    def channel_id(self) -> str: ...
    @property
    def thread_ts(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def ts(self) -> str: ...
    @property
    def text(self) -> str: ...


R = TypeVar("R", bound=ThreadReply)


def record_thread_replies(
    sessions: SessionFactory, posts: ThreadPosts, replies: Sequence[R], now: datetime
) -> list[tuple[RecordedAnswer, R, ThreadPost]]:
    """Record the replies that are in prompts' threads and new deliveries, in one transaction.

    Returns each recorded answer with Slack work to do (its reaction, the late notice), with
    the last reply that touched it and its post. All or nothing: when this raises, nothing of
    the batch was written, and recording it again is safe (the claims make a repeat a no-op).
    """
    with unit_of_work(sessions) as session:
        found: list[tuple[R, ThreadPost]] = []
        for reply in replies:
            post = posts.lookup(session, reply.team_id, reply.channel_id, reply.thread_ts)
            if post is not None:
                found.append((reply, post))
        if not found:
            return []
        keys = [r.delivery_key for r, _ in found if r.delivery_key is not None]
        claimed = claim_deliveries(session, keys, "message", now)
        kept: list[tuple[R, ThreadPost]] = []
        for reply, post in found:
            if reply.delivery_key is not None:
                if reply.delivery_key not in claimed:
                    log.info("delivery %s already processed; ignored", reply.delivery_key)
                    continue
                claimed.discard(reply.delivery_key)  # a repeat in this batch is ignored too
            kept.append((reply, post))
        recorded = record_replies(
            session, [Reply(post, r.user_id, r.ts, r.text) for r, post in kept]
        )
        session.commit()
    origin = {(post.id, r.user_id): (r, post) for r, post in kept}
    return [
        (answer, *origin[(answer.post_id, answer.user_id)])
        for answer in recorded
        if answer.react or answer.tell_late
    ]
