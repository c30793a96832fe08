"""calibration scores: reviewers' scores of prompts' sample answers, with the pack's own

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calibration_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("prompt_id", sa.String(length=128), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=False),
        sa.Column("criterion", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reference", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_pk"],
            ["channels.id"],
            name=op.f("fk_calibration_scores_channel_pk_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_scores")),
        sa.UniqueConstraint(
            "channel_pk",
            "prompt_id",
            "level",
            "reviewer_id",
            "criterion",
            name=op.f("uq_calibration_scores_sample_reviewer"),
        ),
    )
    op.create_index(
        "ix_calibration_scores_channel_updated",
        "calibration_scores",
        ["channel_pk", "updated_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_calibration_scores_channel_updated", table_name="calibration_scores")
    op.drop_table("calibration_scores")
