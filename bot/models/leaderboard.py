"""The weekly leaderboard posts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class LeaderboardPost(Base):
    """One weekly leaderboard per channel and week (claimed, then posted)."""

    __tablename__ = "leaderboard_posts"
    __table_args__ = (UniqueConstraint("channel_pk", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))


class SeasonPost(Base):
    """One monthly season post per channel and month (claimed, then posted)."""

    __tablename__ = "season_posts"
    __table_args__ = (UniqueConstraint("channel_pk", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)  # its first day
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))
