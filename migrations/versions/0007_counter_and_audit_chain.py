"""Assisted service at the counter; an append-only, hash-chained audit trail.

Revision ID: 0007_counter_and_audit_chain
Revises: 0006_certificates
Create Date: 2026-11-29

The audit trail is append-only on PostgreSQL, in two layers:

1. A trigger refuses every UPDATE and DELETE on ``audit_events``, whoever
   asks (created below).
2. The application's database role should not hold those rights at all.
   In production the portal connects as a role that does not own the
   tables; the owner (who runs the migrations) runs, once:

       REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM rsu_app;
       GRANT SELECT, INSERT ON audit_events TO rsu_app;

   Set ``RSU_APP_DB_ROLE=rsu_app`` when running this migration and it does
   so itself.

What remains is someone with the owner's rights disabling the trigger: the
hash chain (``app/domain/audit_chain.py``) shows it, since ``flask audit
verify`` names the first row that was altered or removed.
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.domain.audit_chain import GENESIS
from app.domain.audit_chain import unkeyed_row_hash as row_hash

revision: str = "0007_counter_and_audit_chain"
down_revision: str | None = "0006_certificates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""


def _chain_existing_rows() -> None:
    """Rows written before the chain existed get chained, in id order."""
    connection = op.get_bind()
    plain = ("id", "actor_kind", "actor_account_id", "on_behalf_of_person_id", "channel",
             "action", "subject_type", "subject_id", "seq", "previous_hash", "row_hash")  # fmt: skip
    events = sa.table(
        "audit_events",
        *(sa.column(name) for name in plain),
        sa.column("occurred_at", TIMESTAMP),
        sa.column("details", JSON),
    )
    previous = GENESIS
    rows = connection.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for seq, row in enumerate(rows, start=1):
        fields = {
            "seq": seq,
            "occurred_at": row["occurred_at"],
            "actor_kind": row["actor_kind"],
            "actor_account_id": row["actor_account_id"],
            "on_behalf_of_person_id": row["on_behalf_of_person_id"],
            "channel": row["channel"],
            "action": row["action"],
            "subject_type": row["subject_type"],
            "subject_id": row["subject_id"],
            "details": row["details"],
            "previous_hash": previous,
        }
        digest = row_hash(**fields)
        connection.execute(
            events.update()
            .where(events.c.id == row["id"])
            .values(seq=seq, previous_hash=previous, row_hash=digest)
        )
        previous = digest


def upgrade() -> None:
    op.create_table(
        "consent_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("agent_account_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_consent_codes_person_id_persons")),
        sa.ForeignKeyConstraint(["agent_account_id"], ["accounts.id"], name=op.f("fk_consent_codes_agent_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_codes")),
    )  # fmt: skip
    op.create_index(op.f("ix_consent_codes_person_id"), "consent_codes", ["person_id"])
    op.create_table(
        "assisted_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_account_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=200), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("consent", sa.String(length=20), nullable=False),
        sa.Column("identity_check", JSON, nullable=True),
        sa.Column("needs_supervisor_review", sa.Boolean(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["agent_account_id"], ["accounts.id"], name=op.f("fk_assisted_sessions_agent_account_id_accounts")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_assisted_sessions_person_id_persons")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_assisted_sessions_household_id_households")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assisted_sessions")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_assisted_sessions_agent_account_id"), "assisted_sessions", ["agent_account_id"]
    )
    op.create_index(op.f("ix_assisted_sessions_person_id"), "assisted_sessions", ["person_id"])
    for column in ("person_id", "household_id"):
        op.create_index(
            f"uq_assisted_sessions_open_{column.removesuffix('_id')}",
            "assisted_sessions",
            [column],
            unique=True,
            postgresql_where=sa.text("ended_at IS NULL"),
            sqlite_where=sa.text("ended_at IS NULL"),
        )  # one open session per citizen and per household

    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("seq", BIGINT, nullable=True))
        batch.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("seq", existing_type=BIGINT, nullable=False)
        batch.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_events_seq"), ["seq"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)
        role = os.environ.get("RSU_APP_DB_ROLE")
        if role:
            quoted = op.get_bind().dialect.identifier_preparer.quote(role)
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {quoted}")
            op.execute(f"GRANT SELECT, INSERT ON audit_events TO {quoted}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_seq"), type_="unique")
        batch.drop_column("row_hash")
        batch.drop_column("previous_hash")
        batch.drop_column("seq")
    op.drop_table("assisted_sessions")
    op.drop_table("consent_codes")
