"""Finding a person in the RNP by IDCS and birth date, without leaking the register.

The one member look-up: registration, the *birth* and *someone joins*
changes and reviewers' corrections (which apply those changes) all call
``match_in_rnp``.

Both must match. A failure says only "not found", whether the IDCS exists or
not, and counts against the account: after 10 failures in an hour, look-ups
stop until the hour is over, so that no form can be used to enumerate the
register or to guess a member's birth date day by day.
A person who already belongs to a household is refused without a word about
that household.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from app import clock
from app.domain import validation
from app.domain.errors import DomainError
from app.domain.validation import Checked, Problem
from app.integrations.population_register import RegisteredPerson, population_register
from app.services import rate_limits
from app.services.households import active_membership

LOOKUP_FAILURES_PER_HOUR = 10


@dataclass(frozen=True)
class LookupOutcome:
    checked: Checked
    found: RegisteredPerson | None = None


def failure_bucket(account_id: int) -> str:
    return f"rnp-lookup-failed:account:{account_id}"


def match_in_rnp(db: Session, account_id: int, raw: dict[str, Any]) -> LookupOutcome:
    """The person with this IDCS and birth date, free to join a household.

    Each look-up is counted as a failure before the register is read, in a
    transaction of its own (``rate_limits.take``), and a match gives its count
    back. So a failure stays counted when the caller's transaction rolls back
    (a refused change), and parallel guesses cannot get more answers than the
    limit: the eleventh is refused before anything is compared.
    """
    checked = validation.check_member_lookup(raw, clock.today())
    if not checked.valid:
        return LookupOutcome(checked)
    slot = rate_limits.take(
        db, failure_bucket(account_id), LOOKUP_FAILURES_PER_HOUR, timedelta(hours=1)
    )
    if slot is None:
        raise DomainError("too_many_lookups")
    found = population_register(db).lookup_idcs(checked.values["idcs"])
    if found is None or found.birth_date != checked.values["birth_date"]:
        checked.problems["idcs"] = Problem("member_not_found")
        return LookupOutcome(checked)
    rate_limits.give_back(db, slot)
    if active_membership(db, found.person_id) is not None:
        checked.problems["idcs"] = Problem("member_in_other_household")
        return LookupOutcome(checked)
    return LookupOutcome(checked, found)
