"""What the database holds, in one comparable value per table: to prove that a
refused request changed nothing."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import Base

# Sessions are touched by any request (their last-seen time): not the register's data.
NOT_COMPARED = {"web_sessions"}
# Records of who looked at a household's data. A page shown again after a
# refusal is looked at again, and the citizen is told: that is not a change.
READS = (
    "household_data_viewed",
    "counter_session_examined",
    "review_document_opened",
    "citizen_found_at_counter",
)


def _rows(name: str) -> str:
    if name == "audit_events":
        reads = ", ".join(f"'{action}'" for action in READS)
        return f"(SELECT * FROM audit_events WHERE action NOT IN ({reads}))"
    return name


def fingerprint(db: Session) -> dict[str, str]:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in NOT_COMPARED]
    query = " UNION ALL ".join(
        f"SELECT '{name}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {_rows(name)} t"
        for name in tables
    )
    db.rollback()  # a fresh snapshot: what other sessions committed
    rows = db.execute(text(query)).all()
    db.rollback()
    return {str(name): str(digest) for name, digest in rows}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))
