"""mocks: per-round records and the candidate's helpfulness rating

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mock_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("interviewer_id", sa.String(length=32), nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("prompt_id", sa.String(length=128), nullable=False),
        sa.Column("prompt", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("announced_at", sa.DateTime(), nullable=True),
        sa.Column("guided_at", sa.DateTime(), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["mock_matches.id"],
            name=op.f("fk_mock_rounds_match_id_mock_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_rounds")),
        sa.UniqueConstraint("match_id", "round", name=op.f("uq_mock_rounds_match_id_round")),
    )
    with op.batch_alter_table("mock_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_mock_rounds_candidate_id", ["candidate_id"], unique=False)
        batch_op.create_index("ix_mock_rounds_interviewer_id", ["interviewer_id"], unique=False)
    op.create_table(
        "mock_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.String(length=32), nullable=False),
        sa.Column("interviewer_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["mock_matches.id"],
            name=op.f("fk_mock_ratings_match_id_mock_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_ratings")),
        sa.UniqueConstraint("match_id", "round", name=op.f("uq_mock_ratings_match_id_round")),
    )


def downgrade() -> None:
    op.drop_table("mock_ratings")
    with op.batch_alter_table("mock_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_mock_rounds_interviewer_id")
        batch_op.drop_index("ix_mock_rounds_candidate_id")
    op.drop_table("mock_rounds")
