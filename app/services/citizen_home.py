"""What the signed-in person's space (/me) shows, read in one place.

The person and their household; for a declarant, when the data must be
confirmed again; for someone without a household, what stops them
registering one and the draft they left; their latest receipt and the
household's review requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.models import HouseholdVersion, ReviewRequest
from app.services import registration, registration_submit, review_filing
from app.services.household_life import confirmation_due
from app.services.households import PersonOverview, overview_for_person


@dataclass(frozen=True)
class CitizenHome:
    overview: PersonOverview
    confirmation_due: date | None  # for a declarant
    blocker: str | None  # why they cannot register a household, if they have none
    draft: registration.DraftView | None  # the registration they left, if any
    receipt: registration_submit.Receipt | None
    reviews: list[ReviewRequest]


# When the current version was made is all /me needs of it: not its
# declaration, a JSON document read and parsed for nothing. Built once.
_CURRENT_VERSION_MADE = select(HouseholdVersion.created_at).where(
    HouseholdVersion.household_id == bindparam("household_id"),
    HouseholdVersion.number == bindparam("number"),
)


def citizen_home(db: Session, person_id: int) -> CitizenHome:
    overview = overview_for_person(db, person_id)
    household = overview.household
    due = blocker = draft = None
    if household is not None and overview.is_declarant:
        made = db.scalar(
            _CURRENT_VERSION_MADE,
            {"household_id": household.id, "number": household.version_number},
        )
        assert made is not None  # a household always has its current version
        due = confirmation_due(household, made)
    if household is None:
        blocker = registration.registration_blocker(db, overview.person)
        found = registration.find_draft(db, person_id)
        draft = registration.view_draft(db, found) if found else None
    return CitizenHome(
        overview=overview,
        confirmation_due=due,
        blocker=blocker,
        draft=draft,
        receipt=registration_submit.latest_receipt(db, person_id),
        reviews=review_filing.reviews_of_household(db, household.id) if household else [],
    )
