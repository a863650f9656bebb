"""The bytes of supporting documents, when the database is the document store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class DocumentContent(Base):
    """One document's bytes, under the random name the server chose.

    Written in the transaction that records the document's row
    (``review_documents.storage_name``), so that both are kept or neither;
    every node of the portal reads them from the same place.
    """

    __tablename__ = "document_contents"

    name: Mapped[str] = mapped_column(String(48), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
