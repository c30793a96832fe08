"""A member's own settings (issue 25): away periods, quiet hours, reminders, being listed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class MemberSettings(Base):
    """One row per member of a workspace (settings apply in every channel of it). No row:
    the defaults (every reminder, no quiet hours, named on the leaderboard)."""

    __tablename__ = "member_settings"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    # Quiet hours as minutes after local midnight; start > end spans midnight.
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    # The member's time zone from users.info (IANA name), read when they change a setting.
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    reminders: Mapped[str] = mapped_column(String(8), default="all")
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AwayPeriod(Base):
    """A member away from `first` to `last` (local dates, both included). Every period is kept,
    so a week away long ago still never breaks a streak."""

    __tablename__ = "away_periods"
    __table_args__ = (Index("ix_away_periods_member", "team_id", "user_id", "last"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)


class InterviewGoal(Base):
    """A member's target interview (`/practice goal`): one per member of a workspace."""

    __tablename__ = "interview_goals"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    interview_on: Mapped[date] = mapped_column(Date)  # the member's local date
    pack_id: Mapped[str] = mapped_column(String(64))
    company: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(300))
    weekly_plan: Mapped[bool] = mapped_column(Boolean, default=False)  # opted in
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GoalMessage(Base):
    """A target interview's DM (weekly plan, daily drill, "how did it go?"), claimed once per
    member, kind and period before it is sent; `detail` is the drill's prompt id."""

    __tablename__ = "goal_messages"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[date] = mapped_column(Date)
    detail: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))  # a drill's DM: its thread


class DrillAnswer(Base):
    """A member's answer to a daily drill, written in the drill DM's thread: practice, kept
    apart from `answers` (no channel's day, never on the leaderboard). Several replies in the
    thread make one answer until a review is asked for; `reviewer_id` is who was asked."""

    __tablename__ = "drill_answers"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "thread_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    channel_id: Mapped[str] = mapped_column(String(32))  # the DM
    thread_ts: Mapped[str] = mapped_column(String(32))  # the drill DM
    last_ts: Mapped[str] = mapped_column(String(32))  # the latest reply taken in
    text: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    review_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[str | None] = mapped_column(String(32))
    brief_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # claimed, then sent
    scores: Mapped[dict[str, int] | None] = mapped_column(JSON)  # criterion id -> 1..5
    comment: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the author's DM
    challenge: Mapped[str | None] = mapped_column(Text)  # the reviewer's one challenge
    challenged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # claimed, then sent


class PromptIdea(Base):
    """What a member's real interview asked, shared anonymously (no user id is kept) for the
    managers of channels using the pack; never posted by the bot."""

    __tablename__ = "prompt_ideas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    pack_id: Mapped[str] = mapped_column(String(64))
    company: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(String(1000))
    created_on: Mapped[date] = mapped_column(Date)  # the day only, so it cannot be timed to one
