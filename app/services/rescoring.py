"""Scoring many households at once: publishing a model, and scoring seeded households.

``publish_model`` registers a model version, then rescores every active
household in chunks of household ids planned up front:

- each chunk is one transaction that writes its scores (COPY), the outbox
  messages for households whose eligibility changed, and marks itself done;
- a crash loses at most the chunks in flight: running the command again
  resumes with the chunks not done (chunks done are never redone);
- a data version is scored at most once per model (a unique constraint, and
  the chunk query skips versions already scored), so re-running is harmless;
- a final sweep scores any active household whose current version still
  has no score from the model (registered or changed while the run went on),
  so that no household is left behind;
- several machines may publish the same model at once: the first registers
  it and plans the chunks while the others wait, then all share the chunks.
  Each one ends only when every chunk is done, waiting for the chunks
  another one holds: if that one dies, its lock goes with its connection
  and the chunk is done here.

On PostgreSQL, chunks run in worker processes with their own connections so
that both cores work (forked where the platform allows, so that they start
with the application imported); SQLite runs them in this process.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from typing import Any

import orjson
from sqlalchemy import Text, and_, cast, exists, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from app import clock
from app.db import is_postgresql, make_engine
from app.domain.scoring import ScoringModel, compute_score, parse_model
from app.domain.scoring.programmes import programmes_in_force
from app.models import (
    Household,
    HouseholdVersion,
    RescoringChunk,
    RescoringRun,
    Score,
)
from app.services import audit
from app.services.actors import Actor
from app.services.bulk import copy_rows
from app.services.certificates import supersede_scores
from app.services.scoring import active_model, register_model

SCORE_COLUMNS = (
    "household_id", "household_version_id", "model_id", "value", "milieu", "region",
    "intercept", "regional_effect", "contributions", "reason", "computed_at",
)  # fmt: skip
OUTBOX_COLUMNS = (
    "created_at", "kind", "channel", "recipient_person_id", "household_id", "payload",
    "status", "attempts", "next_attempt_at",
)  # fmt: skip


@dataclass(frozen=True)
class BatchResult:
    households: int
    eligibility_changes: int


def _unscored(model_id: str, condition: ColumnElement[bool]) -> Any:
    """Active households matching ``condition`` whose current version has no
    score from this model: (household id, version id, declaration, declarant
    id, the household's latest score value before this batch)."""
    already = exists().where(
        and_(Score.household_version_id == HouseholdVersion.id, Score.model_id == model_id)
    )
    previous = (
        select(Score.value)
        .where(Score.household_id == Household.id)
        .order_by(Score.id.desc())
        .limit(1)
        .correlate(Household)
        .scalar_subquery()
    )
    return (
        select(
            Household.id,
            HouseholdVersion.id,
            # As text, parsed below with orjson: the ORM's JSON handling would
            # cost more than the scoring itself.
            cast(HouseholdVersion.declaration, Text),
            Household.declarant_id,
            previous,
        )
        .join(
            HouseholdVersion,
            and_(
                HouseholdVersion.household_id == Household.id,
                HouseholdVersion.number == Household.version_number,
            ),
        )
        .where(Household.status == "active", condition, ~already)
    )


def score_in_bulk(
    db: Session,
    model: ScoringModel,
    condition: ColumnElement[bool],
    reason: str,
    *,
    notify_changes: bool,
) -> BatchResult:
    """Score the matching households (in the caller's transaction), written with COPY.

    With ``notify_changes``, a household whose eligibility for any programme
    changed gets an outbox message for its declarant.
    """
    rows = db.execute(_unscored(model.id, condition).order_by(Household.id)).all()
    if not rows:
        return BatchResult(0, 0)
    now = clock.now()
    programmes = programmes_in_force(now.date())
    scores = []
    messages = []
    for household_id, version_id, declaration, declarant_id, old in rows:
        result = compute_score(orjson.loads(declaration), model)
        contributions = result.stored_contributions()
        scores.append((
            household_id, version_id, model.id, result.value, result.milieu, result.region,
            result.intercept, result.regional_effect, contributions, reason, now,
        ))  # fmt: skip
        if not notify_changes or old is None:
            continue
        before = {p.code for p in programmes if p.admits(old)}
        after = {p.code for p in programmes if p.admits(result.value)}
        if before != after:
            payload = {
                "model_id": model.id,
                "gained": sorted(after - before),
                "lost": sorted(before - after),
            }
            messages.append((
                now, "eligibility_changed", "sms", declarant_id, household_id,
                payload, "pending", 0, now,
            ))  # fmt: skip
    copy_rows(db, "scores", SCORE_COLUMNS, scores, json_columns=("contributions",))
    if notify_changes:  # a new method: certificates of the old scores no longer hold
        supersede_scores(db, [row[0] for row in rows], now)
    if messages:
        copy_rows(db, "outbox_messages", OUTBOX_COLUMNS, messages, json_columns=("payload",))
    return BatchResult(len(scores), len(messages))


def score_seeded_households(db: Session, household_ids: list[int]) -> None:
    """After-chunk hook of the synthetic seed: first scores, with the active model."""
    if household_ids:
        condition = Household.id.between(min(household_ids), max(household_ids))
        score_in_bulk(db, active_model(db), condition, "registration", notify_changes=False)


# -- publishing --------------------------------------------------------------


@dataclass(frozen=True)
class PublishReport:
    model_id: str
    created: bool
    chunks: int
    households: int
    eligibility_changes: int
    swept: int
    seconds: float


def _plan_chunks(db: Session, run: RescoringRun, chunk_size: int) -> int:
    """Split the active households into id ranges of ``chunk_size`` households.

    The database numbers them; only one row per chunk comes back.
    """
    numbered = (
        select(
            Household.id.label("id"),
            ((func.row_number().over(order_by=Household.id) - 1) // chunk_size).label("chunk"),
        )
        .where(Household.status == "active")
        .subquery()
    )
    ranges = db.execute(
        select(func.min(numbered.c.id), func.max(numbered.c.id))
        .group_by(numbered.c.chunk)
        .order_by(func.min(numbered.c.id))
    ).all()
    columns = (
        "run_id",
        "first_household_id",
        "last_household_id",
        "households",
        "eligibility_changes",
    )
    copy_rows(
        db, "rescoring_chunks", columns, ((run.id, first, last, 0, 0) for first, last in ranges)
    )
    return len(ranges)


def process_chunk(
    db: Session, run_id: int, first_id: int, model: ScoringModel, *, wait: bool = False
) -> BatchResult | None:
    """Do one planned chunk in one transaction, unless it is done or being done.

    ``wait``: a chunk being done elsewhere is waited for rather than passed;
    once its holder commits it is done, and once its holder dies it is ours.
    """
    chunk = db.scalar(
        select(RescoringChunk)
        .where(
            RescoringChunk.run_id == run_id,
            RescoringChunk.first_household_id == first_id,
            RescoringChunk.done_at.is_(None),
        )
        .with_for_update(skip_locked=not wait)
    )
    if chunk is None:
        db.rollback()
        return None
    if is_postgresql(db):
        # Not waiting for the disk at each chunk's commit is safe here: a chunk
        # lost in a crash was not marked done either, and is redone on resume.
        db.execute(text("SET LOCAL synchronous_commit TO OFF"))
    condition = Household.id.between(chunk.first_household_id, chunk.last_household_id)
    result = score_in_bulk(db, model, condition, "model_update", notify_changes=True)
    chunk.done_at = clock.now()
    chunk.households = result.households
    chunk.eligibility_changes = result.eligibility_changes
    db.commit()
    return result


_worker_sessions: dict[str, sessionmaker[Session]] = {}
_worker_models: dict[str, ScoringModel] = {}


def _worker_context() -> BaseContext:
    """Forked workers where the platform allows it: they start with the
    application already imported (a spawned one spends about 1.8 s importing
    it again, a sixth of rescoring 200,000 households on two cores).

    Only from a process with one thread (the CLI): a fork copies every lock
    as it is, and one held by another thread would never be released.
    """
    forkable = "fork" in get_all_start_methods() and threading.active_count() == 1
    return get_context("fork" if forkable else "spawn")


def _start_worker() -> None:
    """The objects a worker starts with (the imported application) live as long
    as it does: out of the collector's sight, a full collection no longer walks
    them every few thousand households (about 10% of a chunk's time)."""
    gc.freeze()


def _process_chunk_in_worker(
    url: str, run_id: int, first_id: int, model_text: str
) -> BatchResult | None:
    """Runs in a worker process: its own engine, the model parsed once per process."""
    if url not in _worker_sessions:
        _worker_sessions[url] = sessionmaker(bind=make_engine(url, pool_size=1))
    model = _worker_models.get(model_text)
    if model is None:
        model = _worker_models[model_text] = parse_model(model_text)
    with _worker_sessions[url]() as db:
        return process_chunk(db, run_id, first_id, model)


# Any number that no other advisory lock of the portal uses.
PUBLISHING_LOCK = 0x525355_0001


def _one_publisher_at_a_time(db: Session) -> None:
    """Until this transaction ends, other publishers wait here (PostgreSQL)."""
    if is_postgresql(db):
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISHING_LOCK})


def _pending_chunks(db: Session, run_id: int) -> Sequence[int]:
    return db.scalars(
        select(RescoringChunk.first_household_id)
        .where(RescoringChunk.run_id == run_id, RescoringChunk.done_at.is_(None))
        .order_by(RescoringChunk.first_household_id)
    ).all()


def publish_model(
    db: Session,
    model: ScoringModel,
    actor: Actor,
    *,
    chunk_size: int = 5000,
    workers: int | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_chunk: Callable[[BatchResult], None] | None = None,
) -> PublishReport:
    """Register ``model`` and rescore every active household (resumable, idempotent)."""
    started = time.perf_counter()
    _one_publisher_at_a_time(db)
    record, created = register_model(db, model, actor)
    run = db.scalar(select(RescoringRun).where(RescoringRun.model_id == model.id))
    if run is None:
        newest_version = db.scalar(select(func.coalesce(func.max(HouseholdVersion.id), 0)))
        run = RescoringRun(
            model_id=model.id, planned_up_to_version_id=newest_version, started_at=clock.now()
        )
        db.add(run)
        db.flush()
        _plan_chunks(db, run, chunk_size)
        audit.record(
            db, actor, "rescoring_started", subject_type="scoring_model", subject_id=model.id
        )
    db.commit()

    pending = _pending_chunks(db, run.id)
    if on_plan:
        on_plan(len(pending))
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if is_postgresql(db) else 1

    if workers <= 1 or len(pending) <= 1:
        for first_id in pending:
            result = process_chunk(db, run.id, first_id, model)
            if result is not None and on_chunk:
                on_chunk(result)
    else:
        engine = db.get_bind().engine
        url = engine.url.render_as_string(hide_password=False)
        # No connection of ours may live on in a worker (two processes on one
        # socket): end the transaction and close the pooled connections before
        # forking. The sweep below opens a new one.
        db.commit()
        engine.dispose()
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=_worker_context(), initializer=_start_worker
        ) as pool:
            futures = [
                pool.submit(_process_chunk_in_worker, url, run.id, first_id, model.source_text)
                for first_id in pending
            ]
            for future in as_completed(futures):
                result = future.result()
                if result is not None and on_chunk:
                    on_chunk(result)

    # Chunks held by another publisher when this one passed them: done by it
    # meanwhile, or left by its death (its lock went with its connection).
    for first_id in _pending_chunks(db, run.id):
        result = process_chunk(db, run.id, first_id, model, wait=True)
        if result is not None and on_chunk:
            on_chunk(result)

    # The sweep: households that appeared or changed since the chunks were
    # planned. One publisher at a time, so that two never score the same one.
    _one_publisher_at_a_time(db)
    after_plan = HouseholdVersion.id > run.planned_up_to_version_id
    swept = score_in_bulk(db, model, after_plan, "model_update", notify_changes=True)
    totals = db.execute(
        select(
            func.count(),
            func.coalesce(func.sum(RescoringChunk.households), 0),
            func.coalesce(func.sum(RescoringChunk.eligibility_changes), 0),
        ).where(RescoringChunk.run_id == run.id)
    ).one()
    finished_at = db.scalar(select(RescoringRun.finished_at).where(RescoringRun.id == run.id))
    if finished_at is None:
        db.execute(
            update(RescoringRun).where(RescoringRun.id == run.id).values(finished_at=clock.now())
        )
        audit.record(
            db,
            actor,
            "rescoring_finished",
            subject_type="scoring_model",
            subject_id=model.id,
            details={
                "households": int(totals[1]) + swept.households,
                "eligibility_changes": int(totals[2]) + swept.eligibility_changes,
            },
        )
    db.commit()
    return PublishReport(
        model_id=record.id,
        created=created,
        chunks=int(totals[0]),
        households=int(totals[1]) + swept.households,
        eligibility_changes=int(totals[2]) + swept.eligibility_changes,
        swept=swept.households,
        seconds=time.perf_counter() - started,
    )


def households_without_score(db: Session, model_id: str) -> int:
    """Active households whose current version has no score from ``model_id``."""
    unscored = _unscored(model_id, Household.id.is_not(None)).subquery()
    return int(db.scalar(select(func.count()).select_from(unscored)) or 0)
