"""Writing and checking the audit trail.

Services call ``record`` inside their own transaction, so that the act and
its record are committed together or not at all.

Each row is chained to the one before it with an HMAC keyed by
``AUDIT_CHAIN_KEY`` (``app.domain.audit_chain``); the key comes with the
database session (``app.db``). On PostgreSQL, writers take a
transaction-level advisory lock before reading the chain's head, so that
concurrent transactions append one after the other; the lock is released at
commit. Both are one call of the database function ``audit_chain_head``
(migration 0014), and the row is one INSERT: every round trip between the
lock and the commit lengthens the time the other writers wait. The table is
append-only there (triggers refuse UPDATE, DELETE and TRUNCATE, migrations
0007 and 0010), and ``verify`` finds any row altered or removed by someone
who bypassed them; with the anchors written by ``flask audit anchor``, also
a truncation, the loss of the last rows, and a chain rewritten by someone
who holds the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app import clock, request_ids
from app.db import is_postgresql, send, table_of
from app.domain.audit_chain import GENESIS, Anchor, row_hash
from app.models import AuditEvent
from app.services.actors import Actor


def chain_key(db: Session) -> bytes:
    """The chain's key, which every session of the app carries (``app.db``)."""
    key = db.info.get("audit_chain_key")
    if not key:
        raise RuntimeError("this database session carries no AUDIT_CHAIN_KEY")
    return bytes(key)


# Takes the chain's lock, then reads the head with a snapshot taken after it
# (migration 0014 says why a plain SELECT of both would not do).
LOCKED_HEAD = text("SELECT seq, row_hash FROM audit_chain_head()")
_EVENTS = table_of(AuditEvent)
HEAD = select(_EVENTS.c.seq, _EVENTS.c.row_hash).order_by(_EVENTS.c.seq.desc()).limit(1)


# Built once, sent with the values (docs/architecture.md, "Conventions").
_INSERT = insert(_EVENTS)


def _head(db: Session) -> tuple[int, str]:
    # SQLite lets one writer at a time in: no lock to take.
    query = LOCKED_HEAD if is_postgresql(db) else HEAD
    head = send(db, query).first()
    return (int(head.seq), str(head.row_hash)) if head else (0, GENESIS)


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: object | None = None,
    on_behalf_of_person_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    details = dict(details or {})
    if actor.office and "office" not in details:
        details["office"] = actor.office  # where the agent worked that day, as it was then
    if actor.assisted_session_id is not None:
        details.setdefault("assisted_session", actor.assisted_session_id)
    seq, previous = _head(db)
    fields: dict[str, Any] = {
        "seq": seq + 1,
        "occurred_at": clock.now(),
        "actor_kind": actor.kind,
        "actor_account_id": actor.account_id,
        "on_behalf_of_person_id": on_behalf_of_person_id or actor.on_behalf_of_person_id,
        "channel": actor.channel,
        "action": action,
        "subject_type": subject_type,
        "subject_id": None if subject_id is None else str(subject_id),
        "details": details,
        "previous_hash": previous,
        "request_id": request_ids.current(),
    }
    # A Core INSERT, sent at once: the next record in this transaction reads
    # this one as the head. Through the ORM, a flush cost as much again.
    send(db, _INSERT, {**fields, "row_hash": row_hash(chain_key(db), **fields)})
    db.info.setdefault(_RECORDED, []).append((action, actor.channel))


_RECORDED = "audit_recorded"


def take_recorded(db: Session) -> list[tuple[str, str]]:
    """The (action, channel) of each record written in the session since this
    was last called: ``app.metrics`` takes them when the transaction commits
    or rolls back, and counts the committed ones."""
    taken: list[tuple[str, str]] = db.info.pop(_RECORDED, [])
    return taken


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def head(db: Session) -> Anchor:
    """The chain's last row, as an anchor to keep outside the database."""
    row = db.execute(HEAD).first()
    seq, digest = (int(row.seq), str(row.row_hash)) if row else (0, GENESIS)
    return Anchor(seq, digest, clock.now().isoformat())


def _rows(db: Session, batch: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = list(
            db.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq > after)
                .order_by(AuditEvent.seq)
                .limit(batch)
                # What the table holds now, not what this session remembers.
                .execution_options(populate_existing=True)
            )
        )
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        db.expunge_all()


def _recomputed(key: bytes, event: AuditEvent) -> str:
    return row_hash(
        key,
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_kind=event.actor_kind,
        actor_account_id=event.actor_account_id,
        on_behalf_of_person_id=event.on_behalf_of_person_id,
        channel=event.channel,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        details=event.details,
        previous_hash=event.previous_hash,
        request_id=event.request_id,
    )


def verify(db: Session, anchors: Iterable[Anchor] = (), batch: int = 5000) -> ChainReport:
    """Walk the chain in order; the first row that does not hold is named.

    Each anchor must still be there: the row of its seq, with its hash. A
    truncated trail, lost last rows, or a chain rewritten with the key (which
    holds together by itself) all fail that test.

    Rows are read in batches and let go of after each (the session is
    emptied), so that millions of rows fit in memory: give it a session of
    its own, as the CLI does.
    """
    key = chain_key(db)
    expected = {anchor.seq: anchor for anchor in anchors if anchor.seq > 0}
    previous, expected_seq, count = GENESIS, 1, 0
    for event in _rows(db, batch):
        count += 1
        problem = None
        if event.seq != expected_seq:
            problem = "a row before it is missing"
        elif event.previous_hash != previous:
            problem = "it does not follow the row before it"
        elif _recomputed(key, event) != event.row_hash:
            problem = "its content was changed"
        elif event.seq in expected and expected[event.seq].hash != event.row_hash:
            anchor = expected[event.seq]
            problem = f"it differs from the anchor of {anchor.at}: the chain was rewritten"
        if problem is not None:
            return ChainReport(count, expected_seq - 1, previous, event.seq, event.id, problem)
        expected.pop(event.seq, None)
        previous, expected_seq = event.row_hash, expected_seq + 1
    if expected:
        missing = min(expected.values(), key=lambda a: a.seq)
        return ChainReport(
            count,
            expected_seq - 1,
            previous,
            missing.seq,
            None,
            f"the anchor of {missing.at} names row seq={missing.seq}, and the trail ends at "
            f"seq={expected_seq - 1}: rows were removed (a truncation or the last rows deleted)",
        )
    return ChainReport(count, expected_seq - 1, previous)
