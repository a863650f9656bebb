"""Issued certificates, with their signed bytes.

Revision ID: 0006_certificates
Revises: 0005_reviews
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_certificates"
down_revision: str | None = "0005_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
# Migrations keep their own copy of column types: they must not change with the app.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("issued_by_account_id", sa.Integer(), nullable=True),
        sa.Column("issued_channel", sa.String(length=20), nullable=False),
        sa.Column("superseded_at", TIMESTAMP, nullable=True),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_certificates_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_certificates_issued_by_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    op.create_index(op.f("ix_certificates_household_id"), "certificates", ["household_id"])
    # One current certificate of each kind per household, in the database.
    op.create_index(
        "uq_certificates_current_kind",
        "certificates",
        ["household_id", "kind"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL AND revoked_at IS NULL"),
        sqlite_where=sa.text("superseded_at IS NULL AND revoked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("certificates")
