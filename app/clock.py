"""The one source of "now" for the portal.

Everything time-dependent (session expiry, drafts, due dates, retention) asks
this module, so that tests can freeze time with ``freeze(at)`` instead of
sleeping or patching ``datetime`` everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, always timezone-aware in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    return now().date()


@contextmanager
def freeze(at: datetime) -> Iterator[None]:
    """Make ``now()`` return ``at`` inside the block (tests and simulations only)."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous
