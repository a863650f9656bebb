"""/verify: anyone checks a certificate by its number (docs/domain.md, "Certificates").

It shows only what a reader needs to trust the paper: kind, date, status,
the declarant's first name and initial, the region, and the fingerprint of
the PDF. Look-ups are counted per visitor, so numbers cannot be tried by the
thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import DomainError, NotFound
from app.models import Certificate
from app.services import rate_limits


@dataclass(frozen=True)
class Verification:
    """Only what a school or a hospital needs to trust the paper in their hands."""

    number: str
    kind: str
    issued_at: datetime
    status: str
    ended_at: datetime | None
    first_name_latin: str
    first_name_ar: str
    initial_latin: str
    initial_ar: str
    region: str
    sha256: str


def verify_lookup(db: Session, number: str | None, visitor: str, per_hour: int) -> Verification:
    """One visitor's look-up, counted: numbers cannot be tried by the thousand.

    ``number`` is None when it failed its check digit: counted, then "not
    found", like a number nobody was given.
    """
    if rate_limits.take(db, f"verify:{visitor}", per_hour, timedelta(hours=1)) is None:
        raise DomainError("too_many_lookups")
    if number is None:
        raise NotFound()
    return verify(db, number)


def verify(db: Session, number: str) -> Verification:
    certificate = db.scalar(select(Certificate).where(Certificate.number == number))
    if certificate is None:
        raise NotFound()
    declarant = certificate.snapshot["declarant"]
    return Verification(
        number=certificate.number,
        kind=certificate.kind,
        issued_at=certificate.issued_at,
        status=certificate.status,
        ended_at=certificate.ended_at,
        first_name_latin=declarant["first_latin"],
        first_name_ar=declarant["first_ar"],
        initial_latin=declarant["last_latin"][:1],
        initial_ar=declarant["last_ar"][:1],
        region=certificate.snapshot["region"],
        sha256=certificate.sha256,
    )
