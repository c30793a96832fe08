"""drill answers: a target interview's drill answered in its DM thread (issue 25)

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("goal_messages") as batch:
        batch.add_column(sa.Column("message_ts", sa.String(length=32), nullable=True))
    op.create_table(
        "drill_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("prompt_id", sa.String(length=128), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("last_ts", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("review_asked_at", sa.DateTime(), nullable=True),
        sa.Column("reviewer_id", sa.String(length=32), nullable=True),
        sa.Column("brief_sent_at", sa.DateTime(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=True),
        sa.Column("result_sent_at", sa.DateTime(), nullable=True),
        sa.Column("challenge", sa.Text(), nullable=True),
        sa.Column("challenged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_answers")),
        sa.UniqueConstraint(
            "team_id",
            "user_id",
            "thread_ts",
            name=op.f("uq_drill_answers_team_id_user_id_thread_ts"),
        ),
    )


def downgrade() -> None:
    op.drop_table("drill_answers")
    with op.batch_alter_table("goal_messages") as batch:
        batch.drop_column("message_ts")
