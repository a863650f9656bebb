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
3. The audit trail refuses TRUNCATE (a trigger, on PostgreSQL), and its chain
   is keyed: each row's hash becomes an HMAC with ``AUDIT_CHAIN_KEY``. The
   rows already there are chained again, in order, with that key: run this
   migration with the same AUDIT_CHAIN_KEY as the portal. Undoing it chains
   them again without a key, as 0007 did.
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.config import settings_from_env
from app.domain.audit_chain import GENESIS, row_hash, unkeyed_row_hash

revision: str = "0010_limits_audit_offices"
down_revision: str | None = "0008_counter_supervision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


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


NO_TRUNCATE = """
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""
EVENT_COLUMNS = ("id", "seq", "actor_kind", "actor_account_id", "on_behalf_of_person_id",
                 "channel", "action", "subject_type", "subject_id")  # fmt: skip


def _rechain(digest: Callable[..., str]) -> None:
    """Every row's hash again, in seq order, with ``digest``. The append-only
    trigger is off meanwhile: this is the one sanctioned rewrite."""
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    events = sa.table(
        "audit_events",
        *(sa.column(name) for name in EVENT_COLUMNS),
        sa.column("occurred_at", TIMESTAMP),
        sa.column("details", JSON),
        sa.column("previous_hash"),
        sa.column("row_hash"),
    )
    previous, after = GENESIS, 0
    while True:
        rows = connection.execute(
            sa.select(events).where(events.c.seq > after).order_by(events.c.seq).limit(5000)
        ).mappings().all()  # fmt: skip
        if not rows:
            break
        for row in rows:
            fields: dict[str, Any] = {name: row[name] for name in EVENT_COLUMNS if name != "id"}
            fields.update(occurred_at=row["occurred_at"], details=row["details"],
                          previous_hash=previous)  # fmt: skip
            hashed = digest(**fields)
            connection.execute(
                events.update()
                .where(events.c.id == row["id"])
                .values(previous_hash=previous, row_hash=hashed)
            )
            previous = hashed
        after = rows[-1]["seq"]
    if postgres:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")


def _chain_key() -> bytes:
    key = settings_from_env()["AUDIT_CHAIN_KEY"]
    if not key:
        raise RuntimeError("AUDIT_CHAIN_KEY is required: the audit chain is keyed with it")
    return str(key).encode()


def upgrade() -> None:
    _counters_up()
    _offices(OFFICE_CODES)
    key = _chain_key()
    _rechain(lambda **fields: row_hash(key, **fields))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
    _rechain(unkeyed_row_hash)
    _offices({code: name for name, code in OFFICE_CODES.items()})
    _counters_down()
