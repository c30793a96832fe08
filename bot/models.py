"""The database schema: SQLAlchemy 2 typed models.

Every time is stored as UTC (see `UTCDateTime`); local dates (a channel's practice day, a
leaderboard week) are stored as plain dates already converted with the channel's time zone.
Uniqueness rules from DESIGN.md live here as constraints so that every process, however many
run, agrees on them: one post per channel and local date, one answer per post and user, one
score per reviewer, answer and criterion, one delivery per Slack event id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Alembic needs stable constraint names to alter tables (batch mode on SQLite included).
# The content pack a new channel starts with, and the one used when a channel's pack is gone.
DEFAULT_PACK = "pmm"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every dialect.

    SQLite has no time zone type; storing naive UTC and re-attaching UTC on the way out keeps
    comparisons in Python and in SQL identical on SQLite and PostgreSQL.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    workspace: Mapped[Workspace] = relationship()


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

    post: Mapped[PromptPost] = relationship()


class Delivery(Base):
    """A Slack delivery already taken: its key is the event id (or an equivalent)."""

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ReviewerOptIn(Base):
    """A member who volunteered (`/practice review on`) to review in a channel."""

    __tablename__ = "reviewer_optins"

    channel_pk: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewAssignment(Base):
    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("answer_id", "reviewer_id"),
        Index("ix_review_assignments_post_reviewer", "post_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("prompt_posts.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # "answerer" or "volunteer"
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    missed: Mapped[bool] = mapped_column(Boolean, default=False)

    answer: Mapped[Answer] = relationship()


class Challenge(Base):
    """A skeptic's challenge, posted in the prompt's thread on the reviewer's behalf."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))


class Vote(Base):
    """One rubric score: unique per reviewer, answer and criterion (re-submission replaces)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("answer_id", "reviewer_id", "criterion"),
        # Covering index of the weekly tally's grouped reads (sums per answer, per criterion,
        # per reviewer): answered from the index alone, no lookup of each vote's row.
        Index("ix_votes_answer_criterion", "answer_id", "criterion", "reviewer_id", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalibrationScore(Base):
    """A reviewer's score of one of a prompt's sample answers on one criterion (calibration),
    with the pack's own score for it, so agreement with the pack needs no content lookup."""

    __tablename__ = "calibration_scores"
    __table_args__ = (
        UniqueConstraint(
            "channel_pk",
            "prompt_id",
            "level",
            "reviewer_id",
            "criterion",
            name="uq_calibration_scores_sample_reviewer",  # the convention's name is too long
        ),
        Index("ix_calibration_scores_channel_updated", "channel_pk", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))  # "weak" or "strong"
    reviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    reference: Mapped[int] = mapped_column(Integer)  # the pack's score for this sample
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class MockRequest(Base):
    """A `/mock` request; at most one waiting request per user and workspace."""

    __tablename__ = "mock_requests"
    __table_args__ = (
        Index(
            "uq_mock_requests_waiting",
            "team_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_mock_requests_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(500), default="")
    tz_offset_minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    match_id: Mapped[int | None] = mapped_column(ForeignKey("mock_matches.id"))


class MockMatch(Base):
    __tablename__ = "mock_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_a: Mapped[str] = mapped_column(String(32))
    user_b: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[dict[str, Any]] = mapped_column(JSON)
    round: Mapped[int] = mapped_column(Integer, default=1)
    candidate_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="live")  # live, done


class MockScore(Base):
    """The interviewer's rubric score for the candidate in one round of a mock."""

    __tablename__ = "mock_scores"
    __table_args__ = (UniqueConstraint("match_id", "round", "criterion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    candidate_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MockRound(Base):
    """One round of a mock: who was candidate and interviewer, on which case.

    Round 1 starts with the match; "swap roles" starts round 2 with the roles reversed and a
    case the new candidate has not seen. Counting a user's rows as candidate decides who goes
    first in their next match; the case copy keeps old rounds readable after content edits.
    """

    __tablename__ = "mock_rounds"
    __table_args__ = (
        UniqueConstraint("match_id", "round"),
        Index("ix_mock_rounds_candidate_id", "candidate_id"),
        Index("ix_mock_rounds_interviewer_id", "interviewer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    candidate_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    pack_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Claimed before the intro is posted in the group DM (once per round)...
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # ... and before the interviewer's private guide is sent (once per round).
    guided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MockRating(Base):
    """The candidate's rating (1-5) of how helpful the interviewer was in one round."""

    __tablename__ = "mock_ratings"
    __table_args__ = (UniqueConstraint("match_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("mock_matches.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    rater_id: Mapped[str] = mapped_column(String(32))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- Slack's own tables ---------------------------------------------------------------------
# OAuth installs are stored by slack-sdk's SQLAlchemy installation store and OAuth state store
# (bot/slack/oauth.py). Their tables are built here with slack-sdk's own table builders, on a
# metadata of their own (slack-sdk issues plain Core statements against these definitions), so
# that Alembic's autogenerate compares the migrated schema (0003) with exactly what slack-sdk
# expects. They are not ORM models: nothing in the domain reads tokens.
SLACK_INSTALLATIONS = "slack_installations"
SLACK_BOTS = "slack_bots"
SLACK_OAUTH_STATES = "slack_oauth_states"
SEALED_TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
SEALED_TOKEN_LENGTH = 1000


def _slack_metadata() -> MetaData:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    SQLAlchemyInstallationStore.build_installations_table(metadata, SLACK_INSTALLATIONS)
    SQLAlchemyInstallationStore.build_bots_table(metadata, SLACK_BOTS)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SLACK_OAUTH_STATES)
    # Tokens are stored encrypted (bot/slack/token_crypto.py): a Fernet token of a long
    # rotating token outgrows slack-sdk's String(200) (migration 0010 widens them).
    for table in (metadata.tables[SLACK_INSTALLATIONS], metadata.tables[SLACK_BOTS]):
        for column in table.columns:
            if column.name in SEALED_TOKEN_COLUMNS:
                column.type = String(SEALED_TOKEN_LENGTH)
    return metadata


SLACK_METADATA = _slack_metadata()


# The weekly leaderboard reads one week of mock rounds at a time (bot/practice/leaderboard.py).
Index("ix_mock_scores_created_at", MockScore.created_at)
