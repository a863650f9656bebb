"""Counters of attempts, one per bucket and time window (``services.rate_limits``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class RateLimitCounter(Base):
    """How many attempts a bucket (e.g. failed RNP look-ups of one account) used
    in the window that starts at ``window_start``."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(Integer)
