"""leaderboard: index mock scores by time (the weekly tally reads one week of them)

Revision ID: 0005
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mock_scores", schema=None) as batch_op:
        batch_op.create_index("ix_mock_scores_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mock_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_mock_scores_created_at")
