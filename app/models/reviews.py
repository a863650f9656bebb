"""Review requests: a declarant contests the score; a reviewer decides, with a reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.domain.review_status import OPEN, ReviewStatus
from app.models.households import Household
from app.models.types import UTCDateTime

REVIEW_REASONS = (
    "administrative_data",
    "declaration_error",
    "change_of_situation",
    "computation_error",
    "other",
)


class ReviewRequest(Base):
    """One contested score. Status: submitted -> in review -> (awaiting approval) -> decided.

    One open request per household, enforced by a partial unique index.
    ``pending_correction`` holds a correction that changes eligibility until a
    second reviewer approves it (four eyes).
    """

    __tablename__ = "review_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'in_review', 'awaiting_approval', 'decided')", name="status"
        ),
        CheckConstraint("decision IS NULL OR decision IN ('upheld', 'corrected')", name="decision"),
        Index(
            "uq_review_requests_open_household",
            "household_id",
            unique=True,
            postgresql_where=text("status <> 'decided'"),
            sqlite_where=text("status <> 'decided'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    filed_by_person_id: Mapped[int] = mapped_column(Integer)
    filed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(String(30))
    explanation: Mapped[str] = mapped_column(Text)
    contested_score_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(
        String(20), default=ReviewStatus.SUBMITTED.value, index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    assigned_to_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_correction: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    proposed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    approved_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    corrected_version_number: Mapped[int | None] = mapped_column(Integer)

    household: Mapped[Household] = relationship()
    documents: Mapped[list[ReviewDocument]] = relationship(
        back_populates="review", order_by="ReviewDocument.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class ReviewDocument(Base):
    """A supporting document. The bytes live outside the web root under a name
    the server chose; ``original_name`` is only shown, never used as a path."""

    __tablename__ = "review_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    review: Mapped[ReviewRequest] = relationship(back_populates="documents")
