"""The audit chain's head, read under the chain's lock in one round trip.

Revision ID: 0014_audit_chain_head
Revises: 0013_document_store

A writer appends to the chain after the row it reads as the head, so it
must read the head only once it holds the chain's lock
(``app.services.audit``). Taking the lock and reading the head in one plain
statement is not enough: under READ COMMITTED a statement sees the rows
committed when it started, and a writer that waited for the lock would not
see the row of the writer it waited for. A VOLATILE function takes a fresh
snapshot for each statement it runs, so its SELECT, after the lock, sees
that row: one round trip instead of two, inside the span every audit
writer holds the lock.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_audit_chain_head"
down_revision: str | None = "0013_document_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 7290001 names the chain's lock: any fixed number, the same for every
# writer (before this migration, app.services.audit took it itself).
FUNCTION = """
CREATE FUNCTION audit_chain_head(OUT seq bigint, OUT row_hash varchar)
RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7290001);
    RETURN QUERY SELECT e.seq, e.row_hash FROM audit_events e ORDER BY e.seq DESC LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_chain_head()")
