"""prompt posts: when the thread was last read from Slack; thread notices claimed once

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prompt_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_read_ts", sa.String(length=32), nullable=True))
    op.create_table(
        "thread_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["prompt_posts.id"],
            name=op.f("fk_thread_notices_post_id_prompt_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_notices")),
        sa.UniqueConstraint("post_id", "kind", name=op.f("uq_thread_notices_post_id_kind")),
    )


def downgrade() -> None:
    op.drop_table("thread_notices")
    with op.batch_alter_table("prompt_posts", schema=None) as batch_op:
        batch_op.drop_column("thread_read_ts")
