"""What operators watch that the database holds: the outbox and the rescoring.

Read when Prometheus scrapes ``/metrics`` (about every 15 seconds per node),
never per request. Each read is one small query on an index:
``outbox_messages`` by (status, next_attempt_at), ``rescoring_chunks`` of one
run; the count of active households only while a rescoring runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import Household, OutboxMessage, RescoringChunk, RescoringRun


@dataclass(frozen=True)
class OutboxFigures:
    """By channel: messages waiting (``pending``, due or not), waiting after a
    failed try (``retrying``), and given up for good (``failed``); and how
    long the oldest message that is due has waited past its time."""

    pending: dict[str, int] = field(default_factory=dict)
    retrying: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    oldest_due_seconds: float = 0.0


@dataclass(frozen=True)
class RescoringFigures:
    """The latest rescoring run: chunks planned and done, households rescored,
    and the households it covers (the active ones, counted while it runs)."""

    model_id: str
    chunks_planned: int
    chunks_done: int
    households_done: int
    households_planned: int
    running: bool


def outbox_figures(db: Session) -> OutboxFigures:
    now = clock.now()
    rows = db.execute(
        select(
            OutboxMessage.channel,
            OutboxMessage.status,
            func.count(),
            func.count(case((OutboxMessage.attempts > 0, 1))),
            func.min(
                case(
                    (OutboxMessage.next_attempt_at <= now, OutboxMessage.next_attempt_at),
                )
            ),
        )
        .where(OutboxMessage.status.in_(("pending", "failed")))
        .group_by(OutboxMessage.channel, OutboxMessage.status)
    ).all()
    pending: dict[str, int] = {}
    retrying: dict[str, int] = {}
    failed: dict[str, int] = {}
    due_since: list[datetime] = []
    for channel, status, count, tried, first_due in rows:
        if status == "failed":
            failed[channel] = count
            continue
        pending[channel], retrying[channel] = count, tried
        if first_due is not None:
            due_since.append(first_due)
    waited = max((now - min(due_since)).total_seconds(), 0.0) if due_since else 0.0
    return OutboxFigures(pending, retrying, failed, waited)


def rescoring_figures(db: Session) -> RescoringFigures | None:
    run = db.scalar(select(RescoringRun).order_by(RescoringRun.id.desc()).limit(1))
    if run is None:
        return None
    planned, done, households = db.execute(
        select(
            func.count(),
            func.count(RescoringChunk.done_at),
            func.coalesce(func.sum(RescoringChunk.households), 0),
        ).where(RescoringChunk.run_id == run.id)
    ).one()
    running = run.finished_at is None
    covered = (
        db.scalar(select(func.count()).select_from(Household).where(Household.status == "active"))
        if running
        else households
    )
    return RescoringFigures(
        run.model_id, planned, done, int(households), int(covered or 0), running
    )
