"""The audit trail: append-only on PostgreSQL, hash-chained, and checked."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.services import audit
from app.services.actors import Actor


def write(db: Session, count: int, label: str = "test") -> None:
    for n in range(count):
        audit.record(
            db, Actor.system(), f"{label}_{n}", details={"n": n, "label": label, "texte": "é ش"}
        )
    db.commit()


def by_hand(db: Session, statement: str) -> None:
    """What someone with the table owner's rights could do: switch the trigger off."""
    db.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    db.execute(text(statement))
    db.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
    db.commit()


def test_the_chain_holds_and_updates_and_deletes_are_refused(db: Session) -> None:
    write(db, 5)
    report = audit.verify(db)
    assert report.intact and report.rows == 5
    for statement in (
        "UPDATE audit_events SET action = 'nothing_happened' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 3",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement))
        db.rollback()
    assert audit.verify(db).intact


def test_a_row_altered_by_hand_is_named(db: Session) -> None:
    write(db, 6)
    by_hand(db, "UPDATE audit_events SET details = '{\"n\": 99}' WHERE seq = 4")
    report = audit.verify(db)
    assert (
        not report.intact and report.broken_seq == 4 and report.problem == "its content was changed"
    )


def test_a_row_removed_by_hand_is_found(db: Session) -> None:
    write(db, 6)
    by_hand(db, "DELETE FROM audit_events WHERE seq = 3")
    report = audit.verify(db)
    assert (
        not report.intact
        and report.broken_seq == 4
        and report.problem == "a row before it is missing"
    )


def test_a_row_rehashed_alone_breaks_the_next_link(db: Session) -> None:
    """Recomputing one row's own hash is not enough: the next row points at the old one."""
    from app.domain.audit_chain import row_hash
    from app.models import AuditEvent

    write(db, 4)
    event = db.query(AuditEvent).filter(AuditEvent.seq == 2).one()
    forged = row_hash(audit.chain_key(db), seq=2, occurred_at=event.occurred_at, actor_kind=event.actor_kind,
                      actor_account_id=None, on_behalf_of_person_id=None, channel=event.channel,
                      action="forged", subject_type=None, subject_id=None, details={},
                      previous_hash=event.previous_hash)  # fmt: skip
    by_hand(
        db,
        f"UPDATE audit_events SET action = 'forged', details = '{{}}', row_hash = '{forged}' WHERE seq = 2",
    )
    report = audit.verify(db)
    assert report.broken_seq == 3 and report.problem == "it does not follow the row before it"


@pytest.mark.usefixtures("integrity_checked")
def test_concurrent_writers_append_one_after_the_other(app: Flask, db: Session) -> None:
    factory = app.extensions["rsu_db"]
    errors: list[BaseException] = []

    def writer(label: str) -> None:
        session = factory()
        try:
            for n in range(25):
                audit.record(session, Actor.system(), f"{label}_{n}")
                session.commit()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    report = audit.verify(db)
    assert report.intact and report.rows == 75


def test_the_verify_command(app: Flask, db: Session) -> None:
    write(db, 3)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 3 rows" in ok.output
    by_hand(
        db, "UPDATE audit_events SET occurred_at = occurred_at - interval '1 day' WHERE seq = 2"
    )
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at row seq=2" in broken.output and "its content was changed" in broken.output
