"""A practice day's post, its thread (replies as Slack described them, the bot's notices) and the
answers computed from it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, UTCDateTime
from bot.models.workspaces import Channel


class PromptPost(Base):
    """One practice day in one channel: claimed first, then posted (DESIGN: once per day).

    The prompt's text is copied in `prompt` so that editing or removing a content file never
    changes what an old post showed, nor breaks its leaderboard.
    """

    __tablename__ = "prompt_posts"
    __table_args__ = (
        UniqueConstraint("channel_pk", "local_date"),
        Index("ix_prompt_posts_channel_ts", "channel_pk", "message_ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[dict[str, Any]] = mapped_column(JSON)
    trains: Mapped[str | None] = mapped_column(String(64))  # rubric criterion id, or None
    choice_reason: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))
    answers_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviews_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the thread was last read from Slack (a Slack ts): a reply older than this that is
    # not stored was not in that read, so it had been deleted (bot/practice/recovery.py).
    thread_read_ts: Mapped[str | None] = mapped_column(String(32))

    channel: Mapped[Channel] = relationship()


class ThreadNotice(Base):
    """A note the bot posts once in a prompt's thread (`kind`: "short" of reviewers, the
    closing "notes"), claimed before Slack is called, as prompts are (bot/practice/claims.py)."""

    __tablename__ = "thread_notices"
    __table_args__ = (UniqueConstraint("post_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("prompt_posts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))


class ThreadMessage(Base):
    """Every human reply seen in a prompt's thread, as Slack last described it.

    Kept raw so that the answer can be recomputed from scratch whatever order Slack delivers
    the message, its edits and its deletion in.
    """

    __tablename__ = "thread_messages"
    __table_args__ = (
        UniqueConstraint("post_id", "ts"),
        # Each answer is recomputed from one user's replies: without it, a scan of the thread.
        Index("ix_thread_messages_post_user", "post_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("prompt_posts.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    # The ts of the edit the text comes from ("" for the original): the newest version wins.
    version: Mapped[str] = mapped_column(String(32), default="")
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Answer(Base):
    """A user's answer to a post: their earliest reply in its thread (by message ts)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("prompt_posts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followups: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    late_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    reacted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Claimed before the author's review summary DM is sent, so it is sent once (issue 4).
    summary_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The author's own prediction of their mean score (1-5), made before any reviewer scored.
    predicted_score: Mapped[int | None] = mapped_column(Integer)
    predicted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    post: Mapped[PromptPost] = relationship()
