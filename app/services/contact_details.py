"""How to reach a person: the phone number on file.

Both the outbox (where a notification goes) and the counter (where a consent
code goes, and whether one can be sent at all) ask this one question.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Household, HouseholdStatus, HouseholdVersion, Person


def phone_on_file(db: Session, person: Person) -> str | None:
    """The declarant keeps the household's phone up to date through declared
    changes; that number wins over the one the population register holds."""
    # The declaration is read whole and looked into here, not with PostgreSQL's
    # JSON operators: those fail on the whole document if any answer in it
    # holds a character they cannot convert (a NUL sent before the input
    # boundary refused it), and one such household would stop every message.
    declaration = db.scalar(
        select(HouseholdVersion.declaration)
        .join(Household, HouseholdVersion.household_id == Household.id)
        .where(
            Household.declarant_id == person.id,
            Household.status == HouseholdStatus.ACTIVE.value,
            HouseholdVersion.number == Household.version_number,
        )
    )
    declared = (declaration or {}).get("residence", {}).get("phone")
    return str(declared) if declared else person.phone
