"""A supervisor's check of counter sessions opened by identity check; the
phone on file when a session opened.

Sessions opened without a code are flagged (0007); a counter supervisor now
records that they checked each one, with the outcome and a comment. A
session also keeps the phone on file at its start, where a deregistration
code goes even if the session changed the number.

Revision ID: 0008_counter_supervision
Revises: 0007_counter_and_audit_chain
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_counter_supervision"
down_revision: str | None = "0007_counter_and_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
QUEUE = "needs_supervisor_review AND supervised_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("assisted_sessions") as batch:
        batch.add_column(sa.Column("supervised_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("supervised_by_account_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("supervision_outcome", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("supervision_comment", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("phone_at_start", sa.String(length=20), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assisted_sessions_supervised_by_account_id_accounts"),
            "accounts",
            ["supervised_by_account_id"],
            ["id"],
        )
    op.create_index(
        "ix_assisted_sessions_to_supervise",
        "assisted_sessions",
        ["started_at"],
        postgresql_where=sa.text(QUEUE),
        sqlite_where=sa.text(QUEUE),
    )


def downgrade() -> None:
    op.drop_index("ix_assisted_sessions_to_supervise", table_name="assisted_sessions")
    with op.batch_alter_table("assisted_sessions") as batch:
        batch.drop_constraint(
            op.f("fk_assisted_sessions_supervised_by_account_id_accounts"), type_="foreignkey"
        )
        for column in (
            "phone_at_start",
            "supervision_comment",
            "supervision_outcome",
            "supervised_by_account_id",
            "supervised_at",
        ):
            batch.drop_column(column)
