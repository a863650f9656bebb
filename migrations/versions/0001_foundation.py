"""Foundation: the RNP mirror, accounts and staff, sessions, households, audit.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idcs", sa.String(length=10), nullable=True),
        sa.Column("cnie", sa.String(length=12), nullable=True),
        sa.Column("first_name_ar", sa.String(length=100), nullable=False),
        sa.Column("last_name_ar", sa.String(length=100), nullable=False),
        sa.Column("first_name_latin", sa.String(length=100), nullable=False),
        sa.Column("last_name_latin", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("phone", sa.String(length=13), nullable=True),
        sa.Column("in_rnp", sa.Boolean(), nullable=False),
        sa.CheckConstraint("sex IN ('F', 'M')", name=op.f("ck_persons_sex")),
        sa.CheckConstraint("NOT in_rnp OR idcs IS NOT NULL", name=op.f("ck_persons_rnp_has_idcs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("cnie", name=op.f("uq_persons_cnie")),
        sa.UniqueConstraint("idcs", name=op.f("uq_persons_idcs")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("preferred_locale", sa.String(length=5), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_login_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_accounts_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("issuer", "subject", name="uq_accounts_issuer_subject"),
    )
    op.create_index(op.f("ix_accounts_person_id"), "accounts", ["person_id"])

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("office", sa.String(length=200), nullable=True),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_staff_users_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("account_id", name=op.f("uq_staff_users_account_id")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("authenticated_at", TIMESTAMP, nullable=True),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_web_sessions_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_account_id"), "web_sessions", ["account_id"])
    op.create_index(op.f("ix_web_sessions_last_seen_at"), "web_sessions", ["last_seen_at"])

    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rsu_number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("declarant_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("registered_at", TIMESTAMP, nullable=False),
        sa.Column("deregistered_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'deregistered')", name=op.f("ck_households_status")
        ),
        sa.ForeignKeyConstraint(
            ["declarant_id"], ["persons.id"], name=op.f("fk_households_declarant_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("rsu_number", name=op.f("uq_households_rsu_number")),
    )
    op.create_index(op.f("ix_households_declarant_id"), "households", ["declarant_id"])
    op.create_index(op.f("ix_households_region"), "households", ["region"])

    op.create_table(
        "household_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("declaration", sa.JSON(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("made_by", sa.String(length=20), nullable=False),
        sa.Column("made_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_versions_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["made_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_household_versions_made_by_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_versions")),
        sa.UniqueConstraint(
            "household_id", "number", name="uq_household_versions_household_number"
        ),
    )
    op.create_index(
        op.f("ix_household_versions_household_id"), "household_versions", ["household_id"]
    )

    op.create_table(
        "household_version_members",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_household_version_members_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["household_versions.id"],
            name=op.f("fk_household_version_members_version_id_household_versions"),
        ),
        sa.PrimaryKeyConstraint(
            "version_id", "person_id", name=op.f("pk_household_version_members")
        ),
    )
    op.create_index(
        op.f("ix_household_version_members_person_id"), "household_version_members", ["person_id"]
    )

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_memberships_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_memberships_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
    )
    op.create_index(op.f("ix_memberships_household_id"), "memberships", ["household_id"])
    # A person belongs to at most one household at a time: enforced here, not only in code.
    op.create_index(
        "uq_memberships_active_person",
        "memberships",
        ["person_id"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL"),
        sqlite_where=sa.text("ended_at IS NULL"),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_account_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf_of_person_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_account_id"],
            ["accounts.id"],
            name=op.f("fk_audit_events_actor_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_actor_account_id"), "audit_events", ["actor_account_id"])
    op.create_index(op.f("ix_audit_events_occurred_at"), "audit_events", ["occurred_at"])
    op.create_index(
        op.f("ix_audit_events_on_behalf_of_person_id"), "audit_events", ["on_behalf_of_person_id"]
    )
    op.create_index("ix_audit_events_subject", "audit_events", ["subject_type", "subject_id"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("memberships")
    op.drop_table("household_version_members")
    op.drop_table("household_versions")
    op.drop_table("households")
    op.drop_table("web_sessions")
    op.drop_table("staff_users")
    op.drop_table("accounts")
    op.drop_table("persons")
