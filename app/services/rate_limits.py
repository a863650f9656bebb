"""Counting attempts, so that forms cannot be used to enumerate the registers.

A bucket names what is counted and for whom, e.g. ``rnp-lookup-failed:account:42``.
Hits live in the database, so the limit holds across all server processes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import RateLimitHit


def hits_since(db: Session, bucket: str, window: timedelta) -> int:
    since = clock.now() - window
    return int(
        db.scalar(
            select(func.count())
            .select_from(RateLimitHit)
            .where(RateLimitHit.bucket == bucket, RateLimitHit.occurred_at >= since)
        )
        or 0
    )


def limit_reached(db: Session, bucket: str, limit: int, window: timedelta) -> bool:
    return hits_since(db, bucket, window) >= limit


def record_hit(db: Session, bucket: str) -> None:
    """Count one attempt (in the caller's transaction)."""
    db.add(RateLimitHit(bucket=bucket, occurred_at=clock.now()))


def purge_hits_older_than(db: Session, age: timedelta) -> int:
    result = db.execute(delete(RateLimitHit).where(RateLimitHit.occurred_at < clock.now() - age))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
