"""What the signed-in person's space (/me) shows, read in one place.

The person and their household; for a declarant, when the data must be
confirmed again; for someone without a household, what stops them
registering one and the draft they left; their latest receipt and the
household's review requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, true
from sqlalchemy.orm import Session, contains_eager

from app.db import is_postgresql
from app.domain.errors import NotFound
from app.models import (
    Household,
    HouseholdVersion,
    Membership,
    Person,
    RegistrationSubmission,
    ReviewRequest,
)
from app.services import registration, registration_submit, review_filing
from app.services.household_life import confirmation_due
from app.services.households import PersonOverview, through_active_membership
from app.services.review_filing import HOUSEHOLD_HAS_REVIEWS


@dataclass(frozen=True)
class CitizenHome:
    overview: PersonOverview
    confirmation_due: date | None  # for a declarant
    blocker: str | None  # why they cannot register a household, if they have none
    draft: registration.DraftView | None  # the registration they left, if any
    receipt: registration_submit.Receipt | None
    reviews: list[ReviewRequest]


# The person's latest registration that made a household (``latest_receipt``),
# for each row of the statement below.
_LATEST_SUBMISSION = (
    select(
        RegistrationSubmission.receipt_number,
        RegistrationSubmission.household_id,
        RegistrationSubmission.submitted_at,
    )
    .where(
        RegistrationSubmission.person_id == Membership.person_id,
        RegistrationSubmission.household_id.is_not(None),
    )
    .order_by(RegistrationSubmission.submitted_at.desc())
    .limit(1)
    .lateral()
)

# The person's active membership and household; when the household's
# current version was made (all /me needs of it: not its declaration, a JSON
# document read and parsed for nothing); whether it has review requests.
# Built once.
_MEMBERSHIP_AND_VERSION_MADE = (
    through_active_membership(
        select(Membership, HouseholdVersion.created_at, HOUSEHOLD_HAS_REVIEWS)
    )
    .join(
        HouseholdVersion,
        (HouseholdVersion.household_id == Household.id)
        & (HouseholdVersion.number == Household.version_number),
    )
    .options(contains_eager(Membership.household))
)
# The same with the person's latest receipt, in the same query (PostgreSQL:
# SQLite, the database of ``make run``, has no LATERAL).
_WITH_LATEST_RECEIPT = _MEMBERSHIP_AND_VERSION_MADE.add_columns(
    _LATEST_SUBMISSION.c.receipt_number,
    _LATEST_SUBMISSION.c.household_id,
    _LATEST_SUBMISSION.c.submitted_at,
).outerjoin(_LATEST_SUBMISSION, true())


def citizen_home(db: Session, person_id: int) -> CitizenHome:
    person = db.get(Person, person_id)
    if person is None:
        raise NotFound()
    with_receipt = is_postgresql(db)
    statement = _WITH_LATEST_RECEIPT if with_receipt else _MEMBERSHIP_AND_VERSION_MADE
    row = db.execute(statement, {"person_id": person_id}).first()
    membership, made, has_reviews = (row[0], row[1], row[2]) if row else (None, None, False)
    if row is not None and with_receipt:
        number, receipt_household_id, submitted_at = row[3:]
        receipt = (
            registration_submit.Receipt(
                number, db.get_one(Household, receipt_household_id), submitted_at
            )
            if number is not None
            else None
        )
    else:  # no household, or no LATERAL: the receipt is looked up on its own
        receipt = registration_submit.latest_receipt(db, person_id)
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
        receipt=receipt,
        reviews=review_filing.reviews_of_household(db, household.id)
        if household is not None and has_reviews
        else [],
    )
