"""The request id on audit records and outbox messages.

Revision ID: 0012_request_id
Revises: 0011_oidc

Each audit record and each outbox message written while a request runs keeps
that request's id (``app.request_ids``), so that one request can be followed
through the logs, the audit trail and the messages it queued. Rows written
before, and rows of the command line, have none.

The audit chain covers the id when a row has one; a row without one hashes
as it did before (``app.domain.audit_chain.canonical``), so the rows already
there need no rewrite. Undoing the migration drops the column: rows that had
an id are then chained again without it, in order, with ``AUDIT_CHAIN_KEY``
(the append-only trigger is off meanwhile, as in 0010), so that
``flask audit verify`` still passes. Anchors taken after the first such row
no longer match: take a new one after a downgrade.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.config import settings_from_env
from app.domain.audit_chain import GENESIS, row_hash

revision: str = "0012_request_id"
down_revision: str | None = "0011_oidc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
EVENT_COLUMNS = ("id", "seq", "actor_kind", "actor_account_id", "on_behalf_of_person_id",
                 "channel", "action", "subject_type", "subject_id")  # fmt: skip


def upgrade() -> None:
    for table in ("audit_events", "outbox_messages"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))


def _rechain_without_request_ids() -> None:
    """From the first row that had an id on, every hash again without it."""
    connection = op.get_bind()
    events = sa.table(
        "audit_events",
        *(sa.column(name) for name in EVENT_COLUMNS),
        sa.column("occurred_at", TIMESTAMP),
        sa.column("details", JSON),
        sa.column("previous_hash"),
        sa.column("row_hash"),
        sa.column("request_id"),
    )
    first = connection.scalar(
        sa.select(sa.func.min(events.c.seq)).where(events.c.request_id.is_not(None))
    )
    if first is None:
        return
    key = settings_from_env()["AUDIT_CHAIN_KEY"]
    if not key:
        raise RuntimeError("AUDIT_CHAIN_KEY is required: the audit chain is keyed with it")
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    before = connection.scalar(sa.select(events.c.row_hash).where(events.c.seq == first - 1))
    previous, after = before or GENESIS, first - 1
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
            hashed = row_hash(str(key).encode(), **fields)
            connection.execute(
                events.update()
                .where(events.c.id == row["id"])
                .values(previous_hash=previous, row_hash=hashed)
            )
            previous = hashed
        after = rows[-1]["seq"]
    if postgres:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")


def downgrade() -> None:
    _rechain_without_request_ids()
    for table in ("outbox_messages", "audit_events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("request_id")
