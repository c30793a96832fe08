"""reviews: stand-ins, authors' ratings of reviews, self-predictions

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("passed_to", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("passed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("passed_told_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("standin_for", sa.Integer(), nullable=True))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("predicted_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("predicted_at", sa.DateTime(), nullable=True))
    op.create_table(
        "standin_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["review_assignments.id"],
            name=op.f("fk_standin_offers_assignment_id_review_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standin_offers")),
        sa.UniqueConstraint(
            "assignment_id", "user_id", name=op.f("uq_standin_offers_assignment_id_user_id")
        ),
    )
    op.create_table(
        "review_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("word", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["review_assignments.id"],
            name=op.f("fk_review_ratings_assignment_id_review_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_ratings")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_review_ratings_assignment_id")),
    )


def downgrade() -> None:
    op.drop_table("review_ratings")
    op.drop_table("standin_offers")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("predicted_at")
        batch_op.drop_column("predicted_score")
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.drop_column("standin_for")
        batch_op.drop_column("passed_told_at")
        batch_op.drop_column("passed_at")
        batch_op.drop_column("passed_to")
        batch_op.drop_column("offered_at")
