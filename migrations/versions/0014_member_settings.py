"""member settings: quiet hours, reminders, being listed; away periods; season posts;
target interviews, their DMs and prompt ideas (issue 25)

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=True),
        sa.Column("quiet_end", sa.Integer(), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("reminders", sa.String(length=8), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_settings")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_member_settings_team_id_user_id")),
    )
    op.create_table(
        "away_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_periods")),
    )
    op.create_index(
        "ix_away_periods_member", "away_periods", ["team_id", "user_id", "last"], unique=False
    )
    op.create_table(
        "season_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_pk"],
            ["channels.id"],
            name=op.f("fk_season_posts_channel_pk_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_season_posts")),
        sa.UniqueConstraint("channel_pk", "month", name=op.f("uq_season_posts_channel_pk_month")),
    )


    _goals()


def _goals() -> None:
    op.create_table(
        "interview_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("interview_on", sa.Date(), nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("company", sa.String(length=100), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("weekly_plan", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_goals")),
        sa.UniqueConstraint(
            "team_id", "user_id", name=op.f("uq_interview_goals_team_id_user_id")
        ),
    )
    op.create_table(
        "goal_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("detail", sa.String(length=128), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_messages")),
        sa.UniqueConstraint(
            "team_id",
            "user_id",
            "kind",
            "period",
            name=op.f("uq_goal_messages_team_id_user_id_kind_period"),
        ),
    )
    op.create_table(
        "prompt_ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("company", sa.String(length=100), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt_ideas")),
    )


def downgrade() -> None:
    op.drop_table("prompt_ideas")
    op.drop_table("goal_messages")
    op.drop_table("interview_goals")
    op.drop_table("season_posts")
    op.drop_index("ix_away_periods_member", table_name="away_periods")
    op.drop_table("away_periods")
    op.drop_table("member_settings")
