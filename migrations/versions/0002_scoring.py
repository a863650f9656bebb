"""Scoring: model versions, scores, rescoring runs, the outbox.

Revision ID: 0002_scoring
Revises: 0001_foundation
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_scoring"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Exact decimals; SQLite has none, so text there (see app.models.types.FixedPoint).
FIXED_POINT = sa.Numeric(12, 7).with_variant(sa.String(24), "sqlite")


def upgrade() -> None:
    op.create_table(
        "scoring_models",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_models")),
    )
    op.create_table(
        "scores",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("household_version_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=60), nullable=False),
        sa.Column("value", FIXED_POINT, nullable=False),
        sa.Column("milieu", sa.String(length=10), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("intercept", FIXED_POINT, nullable=False),
        sa.Column("regional_effect", FIXED_POINT, nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("computed_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "reason IN ('registration', 'change', 'model_update', 'review')",
            name=op.f("ck_scores_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["household_version_id"],
            ["household_versions.id"],
            name=op.f("fk_scores_household_version_id_household_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["scoring_models.id"], name=op.f("fk_scores_model_id_scoring_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint("household_version_id", "model_id", name="uq_scores_version_model"),
    )
    op.create_index("ix_scores_household_id_id", "scores", ["household_id", "id"])

    op.create_table(
        "rescoring_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=60), nullable=False),
        sa.Column("planned_up_to_version_id", sa.Integer(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["scoring_models.id"],
            name=op.f("fk_rescoring_runs_model_id_scoring_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescoring_runs")),
        sa.UniqueConstraint("model_id", name=op.f("uq_rescoring_runs_model_id")),
    )
    op.create_table(
        "rescoring_chunks",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("first_household_id", sa.Integer(), nullable=False),
        sa.Column("last_household_id", sa.Integer(), nullable=False),
        sa.Column("done_at", TIMESTAMP, nullable=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("eligibility_changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["rescoring_runs.id"],
            name=op.f("fk_rescoring_chunks_run_id_rescoring_runs"),
        ),
        sa.PrimaryKeyConstraint("run_id", "first_household_id", name=op.f("pk_rescoring_chunks")),
    )

    op.create_table(
        "outbox_messages",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient_person_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.CheckConstraint("channel IN ('sms', 'email')", name=op.f("ck_outbox_messages_channel")),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_messages_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(
        op.f("ix_outbox_messages_recipient_person_id"), "outbox_messages", ["recipient_person_id"]
    )
    op.create_index(op.f("ix_outbox_messages_household_id"), "outbox_messages", ["household_id"])
    op.create_index(
        "ix_outbox_messages_status_next_attempt_at",
        "outbox_messages",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("rescoring_chunks")
    op.drop_table("rescoring_runs")
    op.drop_table("scores")
    op.drop_table("scoring_models")
