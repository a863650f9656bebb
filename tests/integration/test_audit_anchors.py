"""What a database superuser can do to the audit trail, and what catches it.

The attacks: ``TRUNCATE audit_events``, deleting the last rows, and a chain
rewritten under ``session_replication_role = replica`` (no trigger fires)
each left ``flask audit verify`` answering "intact". Now TRUNCATE is refused
by a trigger, and the anchors that ``flask audit anchor`` keeps outside the
database catch each one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain.audit_chain import row_hash
from app.models import AuditEvent
from app.services import audit
from app.services.actors import Actor


def write(db: Session, count: int) -> None:
    for n in range(count):
        audit.record(db, Actor.system(), f"act_{n}", details={"n": n})
    db.commit()


def as_superuser(db: Session, *statements: str) -> None:
    """Every trigger passed: what only the anchors can catch."""
    db.execute(text("SET LOCAL session_replication_role = replica"))
    for statement in statements:
        db.execute(text(statement))
    db.commit()


def anchor(app: Flask, anchors: Path) -> dict[str, object]:
    result = app.test_cli_runner().invoke(args=["audit", "anchor", "--to", str(anchors)])
    assert result.exit_code == 0, result.output
    return dict(json.loads(anchors.read_text().splitlines()[-1]))


def verify(app: Flask, anchors: Path | None = None) -> tuple[int, str]:
    args = ["audit", "verify"] + (["--anchors", str(anchors)] if anchors else [])
    result = app.test_cli_runner().invoke(args=args)
    return result.exit_code, result.output


@pytest.fixture
def anchors(app: Flask, db: Session, tmp_path: Path) -> Path:
    """Six rows, and the head anchored in a file."""
    write(db, 6)
    path = tmp_path / "anchors.jsonl"
    head = anchor(app, path)
    assert head["seq"] == 6 and head["at"]
    assert verify(app, path)[0] == 0
    return path


def test_truncation_is_refused_and_a_forced_one_is_caught(
    app: Flask, db: Session, anchors: Path
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("TRUNCATE audit_events"))
    db.rollback()
    as_superuser(db, "TRUNCATE audit_events")
    assert verify(app)[0] == 0  # an empty chain holds together by itself
    code, output = verify(app, anchors)
    assert code == 1 and "names row seq=6" in output and "rows were removed" in output


def test_deleting_the_last_rows_is_caught(app: Flask, db: Session, anchors: Path) -> None:
    as_superuser(db, "DELETE FROM audit_events WHERE seq > 4")
    assert verify(app)[0] == 0  # what is left is a whole chain
    code, output = verify(app, anchors)
    assert code == 1 and "trail ends at seq=4" in output


def test_a_chain_rewritten_with_the_key_is_caught(app: Flask, db: Session, anchors: Path) -> None:
    """The worst case: the rewriter holds the key and computes every hash again."""
    as_superuser(db, "UPDATE audit_events SET action = 'nothing_happened' WHERE seq = 2")
    previous = db.scalar(select(AuditEvent.row_hash).where(AuditEvent.seq == 1))
    for event in db.scalars(select(AuditEvent).where(AuditEvent.seq >= 2).order_by(AuditEvent.seq)):
        fields = {name: getattr(event, name) for name in (
            "seq", "occurred_at", "actor_kind", "actor_account_id", "on_behalf_of_person_id",
            "channel", "action", "subject_type", "subject_id", "details")}  # fmt: skip
        digest = row_hash(audit.chain_key(db), **fields, previous_hash=previous)
        as_superuser(db, f"UPDATE audit_events SET previous_hash = '{previous}', "
                         f"row_hash = '{digest}' WHERE seq = {event.seq}")  # fmt: skip
        previous = digest
    assert verify(app)[0] == 0  # consistent, keyed: only the anchor knows better
    code, output = verify(app, anchors)
    assert code == 1 and "seq=6" in output and "the chain was rewritten" in output


def test_a_rewrite_without_the_key_is_caught_even_without_anchors(
    app: Flask, db: Session, anchors: Path
) -> None:
    as_superuser(db, "UPDATE audit_events SET details = '{\"n\": 99}' WHERE seq = 3")
    code, output = verify(app)
    assert code == 1 and "seq=3" in output and "its content was changed" in output


def test_anchors_accumulate_and_the_head_can_go_to_the_log_stream(
    app: Flask, db: Session, anchors: Path
) -> None:
    write(db, 2)
    assert anchor(app, anchors)["seq"] == 8
    code, output = verify(app, anchors)
    assert code == 0 and "2 anchor(s) found" in output
    printed = app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert printed.exit_code == 0 and json.loads(printed.output)["seq"] == 8
