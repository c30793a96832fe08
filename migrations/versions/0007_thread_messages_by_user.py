"""thread messages: index by (post, user), the lookup that recomputes each answer

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.create_index("ix_thread_messages_post_user", ["post_id", "user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_messages_post_user")
