"""Assisted service at a counter: consent codes and assisted sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDocument
from app.models.types import UTCDateTime


class ConsentCode(Base):
    """A one-time code sent to the citizen's phone. Only its keyed hash is kept."""

    __tablename__ = "consent_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    agent_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    purpose: Mapped[str] = mapped_column(String(20))  # session, deregistration
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AssistedSession(Base):
    """An agent working for one citizen, with consent, for a limited time.

    One open session per citizen and per household (partial unique indexes):
    two agents never act for the same household at once.
    """

    __tablename__ = "assisted_sessions"
    __table_args__ = (
        Index("uq_assisted_sessions_open_person", "person_id", unique=True,
              postgresql_where=text("ended_at IS NULL"), sqlite_where=text("ended_at IS NULL")),
        Index("uq_assisted_sessions_open_household", "household_id", unique=True,
              postgresql_where=text("ended_at IS NULL"), sqlite_where=text("ended_at IS NULL")),
        # The supervisors' queue: flagged sessions not yet checked.
        Index("ix_assisted_sessions_to_supervise", "started_at",
              postgresql_where=text("needs_supervisor_review AND supervised_at IS NULL"),
              sqlite_where=text("needs_supervisor_review AND supervised_at IS NULL")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    office: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    consent: Mapped[str] = mapped_column(String(20))  # code, identity_check
    identity_check: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    needs_supervisor_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # The phone on file when the session opened: where a deregistration code
    # goes, whatever the session changes.
    phone_at_start: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))  # agent, expired
    # A supervisor's check of a session opened by identity check.
    supervised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supervised_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    supervision_outcome: Mapped[str | None] = mapped_column(String(20))  # confirmed, problem
    supervision_comment: Mapped[str | None] = mapped_column(String(1000))
