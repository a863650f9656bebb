"""Scoring models, scores (never overwritten), and national rescoring runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.households import HouseholdVersion
from app.models.types import FixedPoint, UTCDateTime

SCORE_REASONS = ("registration", "change", "model_update", "review")


class ScoringModelRecord(Base):
    """A published model version, kept with the exact text it was published from."""

    __tablename__ = "scoring_models"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    effective_date: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    # Read only when a model is parsed (once per process, ``scoring.model_of``):
    # a score's model comes with every score a page lists, and its 5 KB text
    # with it, for nothing (issue 15).
    source_text: Mapped[str] = mapped_column(Text, deferred=True)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Score(Base):
    """One score of one household data version under one model.

    Scores are never updated: a new data version or a new model makes a new
    row, with the reason. A data version is scored at most once per model.
    ``contributions`` holds each non-zero variable contribution as a decimal
    string; with ``intercept`` and ``regional_effect`` they add up exactly to
    ``value``. It is plain JSON, not JSONB: it is written in bulk and read
    whole, never queried inside.
    """

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("household_version_id", "model_id", name="uq_scores_version_model"),
        CheckConstraint(
            "reason IN ('registration', 'change', 'model_update', 'review')", name="reason"
        ),
        Index("ix_scores_household_id_id", "household_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # Copied from the version (which is checked by its foreign key) for fast
    # lookups; no foreign key of its own, since every key check is a trigger
    # per row and rescoring the country writes a million rows.
    household_id: Mapped[int] = mapped_column(Integer)
    household_version_id: Mapped[int] = mapped_column(ForeignKey("household_versions.id"))
    model_id: Mapped[str] = mapped_column(ForeignKey("scoring_models.id"))
    value: Mapped[Decimal] = mapped_column(FixedPoint)
    milieu: Mapped[str] = mapped_column(String(10))
    region: Mapped[str] = mapped_column(String(40))
    intercept: Mapped[Decimal] = mapped_column(FixedPoint)
    regional_effect: Mapped[Decimal] = mapped_column(FixedPoint)
    contributions: Mapped[dict[str, str]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(20))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    version: Mapped[HouseholdVersion] = relationship()
    # What citizens read instead of the model's id: its date (app/web/labels.py).
    model: Mapped[ScoringModelRecord] = relationship()

    def contribution_values(self) -> dict[str, Decimal]:
        return {name: Decimal(value) for name, value in self.contributions.items()}


class RescoringRun(Base):
    """Rescoring every active household after a model is published.

    The work is split into chunks of household ids planned up front; each
    chunk is done in one transaction that also marks it done. A run that
    crashed resumes with the chunks not yet done.
    """

    __tablename__ = "rescoring_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("scoring_models.id"), unique=True)
    # Versions made after planning (new households, changes) have higher ids:
    # the final sweep looks only at those.
    planned_up_to_version_id: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RescoringChunk(Base):
    __tablename__ = "rescoring_chunks"

    run_id: Mapped[int] = mapped_column(ForeignKey("rescoring_runs.id"), primary_key=True)
    first_household_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_household_id: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    households: Mapped[int] = mapped_column(Integer, default=0)
    eligibility_changes: Mapped[int] = mapped_column(Integer, default=0)
