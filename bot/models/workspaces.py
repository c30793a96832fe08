"""Installed workspaces, their enrolled channels, and the Slack deliveries already taken."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import DEFAULT_PACK, Base, UTCDateTime


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the app is uninstalled or its tokens revoked; jobs skip such workspaces and
    # their data is deleted after the retention period (docs/privacy.md).
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Channel(Base):
    """An enrolled channel and its practice schedule."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    creator_id: Mapped[str | None] = mapped_column(String(32))
    enrolled_by: Mapped[str | None] = mapped_column(String(32))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    post_time: Mapped[str] = mapped_column(String(5), default="09:00")  # HH:MM local
    # ISO weekday numbers, Monday=1 .. Sunday=7, comma separated: "1,2,3,4,5".
    weekdays: Mapped[str] = mapped_column(String(20), default="1,2,3,4,5")
    answer_window_minutes: Mapped[int] = mapped_column(Integer, default=360)
    review_window_minutes: Mapped[int] = mapped_column(Integer, default=1440)  # from posting
    reviewers_per_answer: Mapped[int] = mapped_column(Integer, default=2)
    content_pack: Mapped[str] = mapped_column(String(64), default=DEFAULT_PACK)
    leaderboard_weekday: Mapped[int] = mapped_column(Integer, default=1)  # ISO, Monday
    leaderboard_time: Mapped[str] = mapped_column(String(5), default="09:00")
    # Per-channel overrides of the scoring defaults (bot/practice/scoring.py), as a JSON object.
    scoring: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(String(200))
    # Slack's event_ts of the last bot join or leave applied: Slack may deliver an older one
    # later (a retry, or its two removal events racing a re-invite), and that one is ignored.
    membership_ts: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    workspace: Mapped[Workspace] = relationship()


class Delivery(Base):
    """A Slack delivery already taken: its key is the event id (or an equivalent)."""

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
