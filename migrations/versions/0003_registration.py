"""Registration: drafts, submissions with their receipts, rate-limit counters.

Revision ID: 0003_registration
Revises: 0002_scoring
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_registration"
down_revision: str | None = "0002_scoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "registration_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_registration_drafts_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_drafts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_registration_drafts_person_id")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_registration_drafts_submission_key")),
    )
    op.create_index(
        op.f("ix_registration_drafts_expires_at"), "registration_drafts", ["expires_at"]
    )
    op.create_table(
        "registration_submissions",
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("receipt_number", sa.String(length=24), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_registration_submissions_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("submission_key", name=op.f("pk_registration_submissions")),
        sa.UniqueConstraint(
            "receipt_number", name=op.f("uq_registration_submissions_receipt_number")
        ),
    )
    op.create_index(
        op.f("ix_registration_submissions_household_id"),
        "registration_submissions",
        ["household_id"],
    )
    op.create_index(
        op.f("ix_registration_submissions_person_id"), "registration_submissions", ["person_id"]
    )
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    op.create_index(
        "ix_rate_limit_hits_bucket_occurred_at", "rate_limit_hits", ["bucket", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_table("rate_limit_hits")
    op.drop_table("registration_submissions")
    op.drop_table("registration_drafts")
