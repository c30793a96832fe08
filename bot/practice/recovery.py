"""Answers recovered from the prompt's thread as Slack shows it (Slack's thread is the record).

A reply Slack acknowledged may never reach the database (a process killed with replies still
queued) and an event may never be delivered at all (the bot down longer than Slack retries).
`reconcile_thread` takes the human replies of one thread, as read from Slack, and stores them
under exactly the rules live events follow, through the same statements: each reply is upserted
as a `ThreadMessage` (an `edited` reply carries its edit ts as its version, as a live edit
does, so the newest text wins whichever comes first), a stored reply that the thread no longer
has is marked deleted (as a live deletion does), and every touched user's answer is recomputed
from all their stored replies. The post remembers when its thread was last read
(`thread_read_ts`): a reply older than that read which is not stored was not in it, so it had
been deleted, and a late live delivery of it is stored as deleted (`apply_thread_reads`).
Since both paths only ever move a message to a newer version or to deleted, and answers are
recomputed from scratch, recovery and live events commute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Channel, PromptPost, ThreadMessage
from bot.practice.answers import (
    RecordedAnswer,
    _message_row,
    _recompute,
    ts_to_datetime,
    upsert_messages,
)
from bot.practice.privacy.marks import forgotten_replies
from bot.practice.workspaces import installed_team_ids


@dataclass(frozen=True)
class ThreadReply:
    """A person's reply as `conversations.replies` returns it."""

    user_id: str
    ts: str
    text: str
    edited_ts: str | None = None  # `edited.ts` when the reply was edited


@dataclass(frozen=True)
class RecoveryTarget:
    """A post whose thread is read: what the Slack side needs, no ORM object."""

    post_id: int
    team_id: str
    channel_id: str
    thread_ts: str
    answers_close_at: datetime

    @property
    def id(self) -> int:  # a `PostRef` for the answer recompute
        return self.post_id


@dataclass(frozen=True)
class Reconciled:
    answers: list[RecordedAnswer]  # every answer recomputed (react/tell_late: once-only claims)
    new_messages: int  # replies the database did not have before (what recovery saved)
    withdrawn: int  # stored replies the thread no longer has, now marked deleted


def posts_to_recover(
    session: Session, now: datetime, *, due: bool, channel_id: str | None = None
) -> list[RecoveryTarget]:
    """Posted prompts not yet assigned: whose answers close by `now` (`due`), or are open."""
    window = PromptPost.answers_close_at <= now if due else PromptPost.answers_close_at > now
    query = (
        select(
            PromptPost.id,
            Channel.team_id,
            Channel.channel_id,
            PromptPost.message_ts,
            PromptPost.answers_close_at,
        )
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            PromptPost.message_ts.is_not(None),
            PromptPost.assigned_at.is_(None),
            PromptPost.closed_at.is_(None),
            Channel.team_id.in_(installed_team_ids()),
            window,
        )
        .order_by(PromptPost.id)
    )
    if channel_id is not None:
        query = query.where(Channel.channel_id == channel_id)
    return [
        RecoveryTarget(post_id, team_id, channel, str(ts), closes)  # ts: not None, filtered
        for post_id, team_id, channel, ts, closes in session.execute(query)
    ]


def reconcile_thread(
    session: Session, post: RecoveryTarget, replies: Sequence[ThreadReply], read_at: datetime
) -> Reconciled:
    """Store what the thread shows; the caller commits, then acknowledges `answers`.

    `read_at`: when the thread was read. A stored reply missing from it is withdrawn only if
    it is older than that (a reply posted after the read is simply not in it yet).
    """
    read_ts = f"{read_at.timestamp():.6f}"
    # Locked for update: a live reply to this post (which locks it for share) waits for the
    # read to be stored, or was stored before; either way it sees a consistent `thread_read_ts`.
    previous = session.scalar(
        select(PromptPost.thread_read_ts).where(PromptPost.id == post.post_id).with_for_update()
    )
    stored = {
        row.ts: row
        for row in session.execute(
            select(ThreadMessage.ts, ThreadMessage.user_id, ThreadMessage.deleted).where(
                ThreadMessage.post_id == post.post_id
            )
        )
    }
    forgotten = forgotten_replies(session, [(post.post_id, r.user_id, r.ts) for r in replies])
    replies = [r for r in replies if (post.post_id, r.ts) not in forgotten]
    seen = {reply.ts for reply in replies}
    users: set[str] = set()
    rows: dict[str, dict[str, object]] = {}
    for reply in replies:
        rows[reply.ts] = _message_row(
            post.post_id,
            user_id=reply.user_id,
            ts=reply.ts,
            text=reply.text,
            version=reply.edited_ts or "",
        )
        users.add(reply.user_id)
    if rows:
        # An older read that missed one: it was deleted before (`apply_thread_reads`).
        upsert_messages(session, [rows[ts] for ts in sorted(rows)])
    gone = sorted(
        ts
        for ts, row in stored.items()
        if ts not in seen and not row.deleted and ts_to_datetime(ts) < read_at
    )
    if gone:
        session.execute(
            update(ThreadMessage)
            .where(ThreadMessage.post_id == post.post_id, ThreadMessage.ts.in_(gone))
            .values(deleted=True)
        )
        users.update(stored[ts].user_id for ts in gone if stored[ts].user_id)
    if previous is None or float(previous) < float(read_ts):
        session.execute(
            update(PromptPost).where(PromptPost.id == post.post_id).values(thread_read_ts=read_ts)
        )
    answers = _recompute(session, {(post.post_id, user): post for user in sorted(users)})
    return Reconciled(answers, new_messages=len(seen - set(stored)), withdrawn=len(gone))
