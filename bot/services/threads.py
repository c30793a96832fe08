"""Edits and deletions in a prompt's thread (replies go through `bot/slack/ingest.py`'s batched
writer): one transaction each, the delivery's claim included."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.db import SessionFactory, unit_of_work
from bot.practice.answers import PostRef
from bot.practice.posting import ThreadPosts
from bot.services.deliveries import Delivery


def record_in_thread(
    sessions: SessionFactory,
    posts: ThreadPosts,
    where: tuple[str, str, str],
    delivery: Delivery,
    record: Callable[[Session, PostRef], object],
) -> bool:
    """`record` the change if (team, channel, thread ts) is a prompt's thread and the delivery
    is new; False when it is neither."""
    with unit_of_work(sessions) as session:
        post = posts.lookup(session, *where)
        if post is None or not delivery.take(session):
            return False
        record(session, post)
        session.commit()
    return True
