"""What the signed-in person's space (/me) shows, read in one place.

The person and their household; for a declarant, when the data must be
confirmed again; for someone without a household, what stops them
registering one and the draft they left; their latest receipt and the
household's review requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.domain.errors import NotFound
from app.models import Household, HouseholdVersion, Membership, Person, ReviewRequest
from app.services import registration, registration_submit, review_filing
from app.services.household_life import confirmation_due
from app.services.households import PERSONS_ACTIVE_MEMBERSHIP, PersonOverview


@dataclass(frozen=True)
class CitizenHome:
    overview: PersonOverview
    confirmation_due: date | None  # for a declarant
    blocker: str | None  # why they cannot register a household, if they have none
    draft: registration.DraftView | None  # the registration they left, if any
    receipt: registration_submit.Receipt | None
    reviews: list[ReviewRequest]


# The person's active membership and household, and when the household's
# current version was made (all /me needs of it: not its declaration, a JSON
# document read and parsed for nothing), in one query. Built once.
_MEMBERSHIP_AND_VERSION_MADE = (
    select(Membership, HouseholdVersion.created_at)
    .join(Membership.household)
    .join(
        HouseholdVersion,
        (HouseholdVersion.household_id == Household.id)
        & (HouseholdVersion.number == Household.version_number),
    )
    .options(contains_eager(Membership.household))
    .where(PERSONS_ACTIVE_MEMBERSHIP)
)


def citizen_home(db: Session, person_id: int) -> CitizenHome:
    person = db.get(Person, person_id)
    if person is None:
        raise NotFound()
    row = db.execute(_MEMBERSHIP_AND_VERSION_MADE, {"person_id": person_id}).first()
    membership, made = (row[0], row[1]) if row is not None else (None, None)
    household = membership.household if membership is not None else None
    overview = PersonOverview(person=person, household=household, membership=membership)
    due = blocker = draft = None
    if household is not None and overview.is_declarant:
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
