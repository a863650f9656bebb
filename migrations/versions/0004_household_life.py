"""A household's life: yearly confirmation, change submissions, deregistration index.

Revision ID: 0004_household_life
Revises: 0003_registration
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_household_life"
down_revision: str | None = "0003_registration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("confirmed_at", TIMESTAMP, nullable=True))
    op.create_index(op.f("ix_households_deregistered_at"), "households", ["deregistered_at"])
    op.create_table(
        "change_submissions",
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_change_submissions_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("submission_key", name=op.f("pk_change_submissions")),
    )
    op.create_index(
        op.f("ix_change_submissions_household_id"), "change_submissions", ["household_id"]
    )


def downgrade() -> None:
    op.drop_table("change_submissions")
    op.drop_index(op.f("ix_households_deregistered_at"), table_name="households")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("confirmed_at")
