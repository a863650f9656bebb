"""The logins already used: one provider answer signs in once, even when it
arrives twice at the same moment.

Revision ID: 0011_oidc
Revises: 0010_limits_audit_offices
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_oidc"
down_revision: str | None = "0010_limits_audit_offices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spent_login_states",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_spent_login_states")),
    )
    op.create_index(op.f("ix_spent_login_states_spent_at"), "spent_login_states", ["spent_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_spent_login_states_spent_at"), table_name="spent_login_states")
    op.drop_table("spent_login_states")
