"""Issued certificates: what each states, and the exact signed bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument
from app.models.households import Household
from app.models.types import UTCDateTime

CERTIFICATE_KINDS = ("registration_receipt", "registration", "score", "deregistration")


class Certificate(Base):
    """A certificate as issued. Never rendered again: downloads serve ``content``.

    At most one *current* certificate of each kind per household (partial
    unique index): issuing twice returns it. It is **superseded** when the
    data it states changes and **revoked** by deregistration; it stays
    authentic either way, and the public verification page says which.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        Index(
            "uq_certificates_current_kind",
            "household_id",
            "kind",
            unique=True,
            postgresql_where=text("superseded_at IS NULL AND revoked_at IS NULL"),
            sqlite_where=text("superseded_at IS NULL AND revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    sha256: Mapped[str] = mapped_column(String(64))
    # Loaded only when downloaded: lists of certificates never carry the PDFs.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    issued_channel: Mapped[str] = mapped_column(String(20))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household: Mapped[Household] = relationship()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_at is not None:
            return "superseded"
        return "valid"

    @property
    def ended_at(self) -> datetime | None:
        return self.revoked_at or self.superseded_at
