"""Review requests and their documents; an email address for notifications.

Revision ID: 0005_reviews
Revises: 0004_household_life
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_reviews"
down_revision: str | None = "0004_household_life"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "review_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("filed_by_person_id", sa.Integer(), nullable=False),
        sa.Column("filed_by_account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("contested_score_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", TIMESTAMP, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("assigned_to_account_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", TIMESTAMP, nullable=True),
        sa.Column("pending_correction", sa.JSON(), nullable=True),
        sa.Column("proposed_by_account_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("decided_by_account_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_account_id", sa.Integer(), nullable=True),
        sa.Column("corrected_version_number", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'in_review', 'awaiting_approval', 'decided')",
            name=op.f("ck_review_requests_status"),
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('upheld', 'corrected')",
            name=op.f("ck_review_requests_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_review_requests_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_review_requests_filed_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_account_id"],
            ["accounts.id"],
            name=op.f("fk_review_requests_assigned_to_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_review_requests_proposed_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_review_requests_decided_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_review_requests_approved_by_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_review_requests_number")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_review_requests_submission_key")),
    )
    op.create_index(op.f("ix_review_requests_household_id"), "review_requests", ["household_id"])
    op.create_index(op.f("ix_review_requests_status"), "review_requests", ["status"])
    op.create_index(op.f("ix_review_requests_due_on"), "review_requests", ["due_on"])
    # One open review per household, in the database.
    op.create_index(
        "uq_review_requests_open_household",
        "review_requests",
        ["household_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'decided'"),
        sqlite_where=sa.text("status <> 'decided'"),
    )
    op.create_table(
        "review_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_requests.id"],
            name=op.f("fk_review_documents_review_id_review_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_documents")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_review_documents_storage_name")),
    )
    op.create_index(op.f("ix_review_documents_review_id"), "review_documents", ["review_id"])


def downgrade() -> None:
    op.drop_table("review_documents")
    op.drop_table("review_requests")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("email")
