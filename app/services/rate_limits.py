"""Limits on attempts, so that forms cannot be used to enumerate the registers
or to flood a citizen with SMS.

A bucket names what is counted and for whom, e.g. ``rnp-lookup-failed:account:42``.
It has one counter per fixed window (the hour or the day it falls in), kept in
the database so that a limit holds across every server process.

Checking and counting are one statement: an upsert that adds one only while
the counter is under the limit, and returns the new count when it did. Twenty
requests at once cannot all read "4 of 5" and all pass, as they could when
the count was read and the hit written after: the row's lock puts them one
after the other, and the sixth finds no room.

Every count is committed at once, on a connection of its own, so that an
attempt stays counted whatever then happens to the request's transaction: a
refused change rolls back, its failed look-up does not.

Windows are fixed, not sliding: a burst across a window's end can reach twice
the limit within one window's length. The limits below leave room for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app import clock
from app.db import is_postgresql, separate_transaction
from app.models import RateLimitCounter


@dataclass(frozen=True)
class Slot:
    """One counted attempt: where it was counted, to give it back if need be."""

    bucket: str
    window_start: datetime


def window_start(window: timedelta, at: datetime | None = None) -> datetime:
    """The start of the window ``at`` falls in: windows are aligned on the epoch."""
    seconds = (at or clock.now()).timestamp()
    length = window.total_seconds()
    return datetime.fromtimestamp(seconds - seconds % length, UTC)


def take(db: Session, bucket: str, limit: int, window: timedelta) -> Slot | None:
    """Count one attempt if the bucket has room in the current window.

    Returns the slot taken, or None when the limit is reached (nothing is
    counted then). Committed at once, apart from ``db``'s transaction.
    """
    if limit < 1:
        return None
    start = window_start(window)
    insert = postgresql.insert if is_postgresql(db) else sqlite.insert
    first = insert(RateLimitCounter).values(bucket=bucket, window_start=start, hits=1)
    statement = first.on_conflict_do_update(
        index_elements=[RateLimitCounter.bucket, RateLimitCounter.window_start],
        set_={"hits": RateLimitCounter.hits + 1},
        where=RateLimitCounter.hits < limit,
    ).returning(RateLimitCounter.hits)
    with separate_transaction(db) as own:
        counted = own.execute(statement).scalar()
    return Slot(bucket, start) if counted is not None else None


def give_back(db: Session, slot: Slot) -> None:
    """Uncount an attempt that turned out not to count (a look-up that matched)."""
    with separate_transaction(db) as own:
        own.execute(
            update(RateLimitCounter)
            .where(
                RateLimitCounter.bucket == slot.bucket,
                RateLimitCounter.window_start == slot.window_start,
                RateLimitCounter.hits > 0,
            )
            .values(hits=RateLimitCounter.hits - 1)
        )


def used(db: Session, bucket: str, window: timedelta) -> int:
    """Attempts counted in the bucket's current window."""
    hits = db.scalar(
        select(RateLimitCounter.hits).where(
            RateLimitCounter.bucket == bucket,
            RateLimitCounter.window_start == window_start(window),
        )
    )
    return int(hits or 0)


# The longest window in use is a day (identity checks); older counters count nothing.
KEPT_FOR = timedelta(days=2)


def purge_old_counters(db: Session, age: timedelta = KEPT_FOR) -> int:
    """Delete counters of windows that started more than ``age`` ago (in ``db``'s transaction)."""
    result = db.execute(
        delete(RateLimitCounter).where(RateLimitCounter.window_start < clock.now() - age)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
