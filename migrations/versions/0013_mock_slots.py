"""mocks: availability windows, slots, once-only notices, check-ins, standings, reveals

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mock_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tz", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(sa.Column("picks", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("windows", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column(
                "source", sa.String(length=16), server_default="working-hours", nullable=False
            )
        )
    with op.batch_alter_table("mock_matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot_start", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("slot_end", sa.DateTime(), nullable=True))
    with op.batch_alter_table("mock_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revealed_at", sa.DateTime(), nullable=True))
    op.create_table(
        "mock_notices",
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["mock_matches.id"],
            name=op.f("fk_mock_notices_match_id_mock_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("match_id", "user_id", "kind", name=op.f("pk_mock_notices")),
    )
    op.create_table(
        "mock_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["mock_matches.id"],
            name=op.f("fk_mock_checkins_match_id_mock_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_checkins")),
        sa.UniqueConstraint("match_id", "user_id", name=op.f("uq_mock_checkins_match_id_user_id")),
    )
    op.create_table(
        "mock_standings",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.Column("front_of_queue", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_mock_standings_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_mock_standings")),
    )


def downgrade() -> None:
    op.drop_table("mock_standings")
    op.drop_table("mock_checkins")
    op.drop_table("mock_notices")
    with op.batch_alter_table("mock_rounds", schema=None) as batch_op:
        batch_op.drop_column("revealed_at")
    with op.batch_alter_table("mock_matches", schema=None) as batch_op:
        batch_op.drop_column("slot_end")
        batch_op.drop_column("slot_start")
    with op.batch_alter_table("mock_requests", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("windows")
        batch_op.drop_column("picks")
        batch_op.drop_column("tz")
