"""The outbox: messages written with the event they announce, delivered later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class OutboxMessage(Base):
    """A message to send (SMS or email), written in the transaction of the event.

    Delivery reads this table; writing here never waits on a gateway.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("channel IN ('sms', 'email')", name="channel"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    recipient_person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    household_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # The request that queued the message (app.request_ids): the worker logs
    # it when it sends, so a request can be followed to its SMS.
    request_id: Mapped[str | None] = mapped_column(String(64))
