"""What a household member may see of the household's score (the /score page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import Session, joinedload

from app import clock
from app.domain.codes import ADULT_AGE
from app.domain.declaration import age_on
from app.domain.errors import DomainError, Forbidden
from app.domain.scoring.explanation import Explanation, explain
from app.models import Household, HouseholdVersion, Person, Score
from app.models.reviews import ReviewRequest
from app.services.households import (
    CURRENT_DECLARATION,
    active_membership,
    through_active_membership,
)
from app.services.review_filing import HOUSEHOLD_HAS_REVIEWS, reviews_of_household
from app.services.scoring import Eligibility, eligibility_of


@dataclass(frozen=True)
class ScoreOverview:
    household: Household
    score: Score | None
    eligibility: Eligibility
    explanation: Explanation | None
    declaration: dict[str, Any] | None
    history: list[Score]
    # The household's review requests, newest first, where the page shows
    # them (``score_overview``); None where nobody asked.
    reviews: list[ReviewRequest] | None = None


def may_read_household(person: Person) -> bool:
    """Adult members read their household's data; children do not (docs/domain.md)."""
    return age_on(person.birth_date, clock.today()) >= ADULT_AGE


def score_overview(db: Session, person_id: int) -> ScoreOverview:
    """The score of the household the person belongs to, with its explanation.

    Raises ``no_household`` when the person is in none, and ``forbidden``
    for members under 18. For an adult, one query finds the household
    through the person's active membership and reads its scores with it;
    a second reads its review requests, if it has any.
    """
    person = db.get(Person, person_id)
    if person is None:
        raise DomainError("no_household")
    if not may_read_household(person):
        if active_membership(db, person_id) is None:
            raise DomainError("no_household")
        raise Forbidden()
    rows = db.execute(_MEMBERS_HOUSEHOLD_WITH_SCORES, {"person_id": person_id}).all()
    if not rows:
        raise DomainError("no_household")
    household, has_reviews = rows[0][0], rows[0][-1]
    reviews = reviews_of_household(db, household.id) if has_reviews else []
    return _overview(household, [row[1:-1] for row in rows if row[1] is not None], reviews)


# Built once, with bound parameters: /score runs it on every request, and
# composing it (joinedload, CASE) cost about as much as running it from
# SQLAlchemy's compiled cache.
_SCORES_WITH_CURRENT_DECLARATION = (
    select(
        Score,
        HouseholdVersion.number,
        case(
            (
                HouseholdVersion.number == bindparam("version_number"),
                HouseholdVersion.declaration,
            )
        ),
    )
    .join(HouseholdVersion, Score.household_version_id == HouseholdVersion.id)
    .options(joinedload(Score.model))
    .where(Score.household_id == bindparam("household_id"))
    .order_by(Score.id.desc())
)


# The same, reached from a person: their active membership's household,
# and that household's scores (none: one row, with no score); and whether
# the household has review requests.
_MEMBERS_HOUSEHOLD_WITH_SCORES = (
    through_active_membership(
        select(
            Household, Score, HouseholdVersion.number, CURRENT_DECLARATION, HOUSEHOLD_HAS_REVIEWS
        )
    )
    .outerjoin(Score, Score.household_id == Household.id)
    .outerjoin(HouseholdVersion, Score.household_version_id == HouseholdVersion.id)
    .options(joinedload(Score.model))
    .order_by(Score.id.desc())
)


def household_overview(db: Session, household: Household) -> ScoreOverview:
    """The household's current score, eligibility, explanation and history.

    One query reads every score of the household, newest first, with its
    model, the number of the version it scored and, for the current version
    only, that version's declaration (the explanation is read against it).
    """
    rows = db.execute(
        _SCORES_WITH_CURRENT_DECLARATION,
        {"household_id": household.id, "version_number": household.version_number},
    ).all()
    return _overview(household, [tuple(row) for row in rows])


def _overview(
    household: Household,
    rows: list[tuple[Any, ...]],
    reviews: list[ReviewRequest] | None = None,
) -> ScoreOverview:
    """From the household's scores, newest first, each with the number of the
    version it scored and the declaration of the current version. The current
    score is the newest score of the current version, as in
    ``scoring.current_score``: a score of an older version never passes for it."""
    current = next(
        ((found, declaration) for found, number, declaration in rows
         if number == household.version_number),
        None,
    )  # fmt: skip
    score, declaration = current if current is not None else (None, None)
    explanation = explain(score.contribution_values(), score.regional_effect) if score else None
    return ScoreOverview(
        household=household,
        score=score,
        eligibility=eligibility_of(household, score),
        explanation=explanation,
        declaration=declaration,
        history=[row[0] for row in rows],
        reviews=reviews,
    )
