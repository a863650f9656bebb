"""Registration drafts (save and return) and submissions (one receipt per key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class RegistrationDraft(Base):
    """A declarant's registration in progress, section by section.

    One per declarant. ``data`` keeps what was typed, valid or not, so that
    nothing is ever lost; it holds personal data and expires (DRAFT_RETENTION_DAYS).
    """

    __tablename__ = "registration_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RegistrationSubmission(Base):
    """The receipt given for a submission key (decree 2-21-582, art. 1).

    The key is the primary key: a double click, a back-button resubmit or a
    network retry with the same key finds this row and gets the same receipt.
    """

    __tablename__ = "registration_submissions"

    submission_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    receipt_number: Mapped[str | None] = mapped_column(String(24), unique=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
