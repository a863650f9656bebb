"""Limits counted in one statement; a keyed audit chain that refuses TRUNCATE;
offices as reference data.

Revision ID: 0010_limits_audit_offices
Revises: 0008_counter_supervision
Create Date: 2026-12-06

1. ``rate_limit_counters`` (one row per bucket and window, updated by one
   upsert) replaces ``rate_limit_hits`` (one row per hit, counted before being
   written, which parallel requests got past). Hits in flight are not carried
   over: at worst a limit starts afresh once, at the upgrade.
2. Offices are reference data (``app/data/offices.json``): ``staff_users.office``
   and ``assisted_sessions.office`` now hold an office code. The names the
   demo logins used to send are turned into their codes; any other text is
   left as it was (shown as typed, and outside every supervisor's province).
   Audit rows keep the name they were written with: they are append-only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_limits_audit_offices"
down_revision: str | None = "0008_counter_supervision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def _counters_up() -> None:
    op.create_table(
        "rate_limit_counters",
        sa.Column("bucket", sa.String(length=100), nullable=False),
        sa.Column("window_start", TIMESTAMP, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_rate_limit_counters")),
    )
    op.create_index(
        op.f("ix_rate_limit_counters_window_start"), "rate_limit_counters", ["window_start"]
    )
    op.drop_index("ix_rate_limit_hits_bucket_occurred_at", table_name="rate_limit_hits")
    op.drop_table("rate_limit_hits")


def _counters_down() -> None:
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
    op.drop_table("rate_limit_counters")


# The office names staff logins carried before offices had codes.
OFFICE_CODES = {
    "Annexe administrative Hay Hassani, Casablanca": "hay-hassani-annex",
    "Caïdat de Sidi Moumen, Casablanca": "sidi-moumen-caidat",
    "Préfecture d'arrondissements de Hay Hassani, Casablanca": "hay-hassani-prefecture",
    "ANR, direction du RSU, Rabat": "anr-rsu-rabat",
}


def _offices(renames: dict[str, str]) -> None:
    for table in ("staff_users", "assisted_sessions"):
        office = sa.table(table, sa.column("office", sa.String))
        for old, new in renames.items():
            op.execute(office.update().where(office.c.office == old).values(office=new))


def upgrade() -> None:
    _counters_up()
    _offices(OFFICE_CODES)


def downgrade() -> None:
    _offices({code: name for name, code in OFFICE_CODES.items()})
    _counters_down()
