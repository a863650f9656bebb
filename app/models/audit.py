"""The audit trail: who did what, for whom, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDocument
from app.models.types import UTCDateTime


class AuditEvent(Base):
    """One recorded act. Written by services in the same transaction as the act.

    Append-only: on PostgreSQL triggers refuse UPDATE and DELETE (migration 0007)
    and TRUNCATE (0010).

    ``on_behalf_of_person_id`` is a plain number, not a foreign key: audit rows
    outlive the personal data that retention purges.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))  # citizen, staff, system
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    on_behalf_of_person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    channel: Mapped[str] = mapped_column(String(20))  # online, counter, backoffice, cli
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # The request the act was done in (app.request_ids), to find its log lines
    # and its messages; none for acts of the command line. Covered by the hash.
    request_id: Mapped[str | None] = mapped_column(String(64))
    # The hash chain (services.audit): each row's hash, an HMAC keyed with
    # AUDIT_CHAIN_KEY, covers its content and the previous row's hash, in
    # ``seq`` order. Editing or deleting a row by hand breaks the chain from
    # there on, and `flask audit verify` names it.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
