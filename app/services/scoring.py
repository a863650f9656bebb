"""Scoring households and reading their scores.

A score is computed from one household data version with one published
model version, stored with its contributions and the reason it was made
(registration, change, model update, review), and never overwritten.

A household's *current* score is the newest score of its *current* data
version: a score computed for an older version (a batch that raced a change)
can never pass for the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Date, Insert, bindparam, insert, select
from sqlalchemy.orm import Session, joinedload

from app import clock
from app.db import parameters, prefixed, table_of
from app.domain.errors import DomainError
from app.domain.scoring import ScoringModel, compute_score, load_model, parse_model
from app.domain.scoring.programmes import Decision, decide
from app.models import (
    Household,
    HouseholdStatus,
    HouseholdVersion,
    Score,
    ScoringModelRecord,
)
from app.services import audit
from app.services.actors import Actor

MODELS_DIR = Path(__file__).resolve().parents[1] / "scoring_models"
DEFAULT_MODEL_FILE = MODELS_DIR / "pmt-2026-01-illustrative.toml"

# Parsed models by content hash: parsing is pure, so a parsed model can be
# shared by every request and batch in the process.
_parsed: dict[str, ScoringModel] = {}


def model_of(record: ScoringModelRecord) -> ScoringModel:
    model = _parsed.get(record.sha256)
    if model is None:
        model = parse_model(record.source_text, f"scoring model {record.id}")
        _parsed[record.sha256] = model
    return model


def register_model(
    db: Session, model: ScoringModel, actor: Actor
) -> tuple[ScoringModelRecord, bool]:
    """Record a model version. Returns (record, created).

    Publishing the same file again is harmless; publishing different content
    under an id already used is refused, since scores point to that id.
    """
    existing = db.get(ScoringModelRecord, model.id)
    if existing is not None:
        if existing.sha256 != model.sha256:
            raise DomainError("model_id_taken", model_id=model.id)
        return existing, False
    if model.effective_date > clock.today():
        raise DomainError("model_not_yet_effective", model_id=model.id)
    record = ScoringModelRecord(
        id=model.id,
        effective_date=model.effective_date,
        sha256=model.sha256,
        source_text=model.source_text,
        illustrative=model.illustrative,
        published_at=clock.now(),
    )
    db.add(record)
    db.flush()
    audit.record(
        db,
        actor,
        "scoring_model_published",
        subject_type="scoring_model",
        subject_id=model.id,
        details={"sha256": model.sha256, "effective_date": model.effective_date.isoformat()},
    )
    return record, True


def ensure_default_model(db: Session) -> ScoringModelRecord:
    """Publish the shipped illustrative model if no model was ever published."""
    record = db.scalar(select(ScoringModelRecord).limit(1))
    if record is not None:
        return record
    record, _ = register_model(db, load_model(DEFAULT_MODEL_FILE), Actor.system())
    return record


# The id and hash of the model in force on the day of the parameter ``day``:
# a query of its own, or a subquery of a statement a use case sends anyway
# (registration). Built once (docs/architecture.md, "Conventions").
ACTIVE_MODEL = (
    select(ScoringModelRecord.id, ScoringModelRecord.sha256)
    .where(ScoringModelRecord.effective_date <= bindparam("day", type_=Date))
    .order_by(ScoringModelRecord.effective_date.desc(), ScoringModelRecord.published_at.desc())
    .limit(1)
)


def model_by_hash(db: Session, model_id: str, sha256: str) -> ScoringModel:
    """The parsed model of this id and hash: the text is read only the first
    time this process meets the hash. The hash is read from the database on
    every use, so a model published since (from any node) is never missed."""
    model = _parsed.get(sha256)
    if model is None:
        record = db.get(ScoringModelRecord, model_id)
        assert record is not None
        model = model_of(record)
    return model


def active_model(db: Session, day: date | None = None) -> ScoringModel:
    """The model in force, parsed once per process: only its id and hash are read
    on each call, the model text only the first time this process meets it."""
    row = db.execute(ACTIVE_MODEL, {"day": day or clock.today()}).first()
    if row is None:
        raise DomainError("no_scoring_model")
    return model_by_hash(db, row.id, row.sha256)


def score_version(
    db: Session,
    household: Household,
    version: HouseholdVersion,
    reason: str,
    model: ScoringModel | None = None,
) -> Score:
    """Compute and store the score of one data version (in the caller's transaction)."""
    model = model or active_model(db)
    score = Score(household_id=household.id, version=version,
                  **_score_columns(version.declaration, model, reason))  # fmt: skip
    db.add(score)
    return score


# The columns of ``_score_columns``.
_SCORE_COLUMNS = ["model_id", "value", "milieu", "region", "intercept", "regional_effect",
                  "contributions", "reason", "computed_at"]  # fmt: skip


def _score_columns(declaration: dict[str, Any], model: ScoringModel, reason: str) -> dict[str, Any]:
    """A score row's columns but its household and version: the one computation
    both ways of storing a score (``score_version``, ``score_insert``) store."""
    result = compute_score(declaration, model)
    return {
        "model_id": model.id,
        "value": result.value,
        "milieu": result.milieu,
        "region": result.region,
        "intercept": result.intercept,
        "regional_effect": result.regional_effect,
        "contributions": result.stored_contributions(),
        "reason": reason,
        "computed_at": clock.now(),
    }


def score_insert(version_id: ColumnElement[int]) -> Insert:
    """What ``score_version`` stores, as an INSERT for the caller to send with
    the values of ``score_values``: the registration builds it once, into the
    statement that writes the version, whose id ``version_id`` selects."""
    scores = table_of(Score)
    return insert(scores).values(
        household_version_id=version_id,
        **parameters(scores, ["household_id", *_SCORE_COLUMNS], "score_"),
    )


def score_values(
    household_id: int, declaration: dict[str, Any], model: ScoringModel, reason: str
) -> dict[str, Any]:
    """The values of ``score_insert``'s parameters."""
    columns = {"household_id": household_id, **_score_columns(declaration, model, reason)}
    return prefixed(columns, "score_")


def current_score(db: Session, household: Household) -> Score | None:
    # With its version (the score page explains it against that declaration)
    # and its model (the page and the score certificate name it): one round trip.
    return db.scalar(
        select(Score)
        .options(joinedload(Score.version), joinedload(Score.model))
        .join(HouseholdVersion, Score.household_version_id == HouseholdVersion.id)
        .where(
            Score.household_id == household.id,
            HouseholdVersion.number == household.version_number,
        )
        .order_by(Score.id.desc())
        .limit(1)
    )


def score_history(db: Session, household_id: int) -> list[Score]:
    """Every score of the household, newest first, each with its model (named on the page)."""
    return list(
        db.scalars(
            select(Score)
            .options(joinedload(Score.model))
            .where(Score.household_id == household_id)
            .order_by(Score.id.desc())
        )
    )


@dataclass(frozen=True)
class Eligibility:
    counts: bool  # False once the household is deregistered
    decisions: list[Decision]


def eligibility_of(
    household: Household, score: Score | None, day: date | None = None
) -> Eligibility:
    """Eligibility per programme from the exact stored score.

    A deregistered household's score no longer counts for any programme.
    """
    if score is None or household.status != HouseholdStatus.ACTIVE.value:
        return Eligibility(counts=False, decisions=[])
    return Eligibility(counts=True, decisions=decide(score.value, day or clock.today()))
