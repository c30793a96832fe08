"""prompt posts: when the thread was last read from Slack (answer recovery)

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prompt_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_read_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prompt_posts", schema=None) as batch_op:
        batch_op.drop_column("thread_read_ts")
