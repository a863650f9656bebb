"""What a household member may see of the household's score (the /score page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app import clock
from app.domain.codes import ADULT_AGE
from app.domain.declaration import age_on
from app.domain.errors import DomainError, Forbidden
from app.domain.scoring.explanation import Explanation, explain
from app.models import Household, Person, Score
from app.services.households import active_membership
from app.services.scoring import Eligibility, current_score, eligibility_of, score_history


@dataclass(frozen=True)
class ScoreOverview:
    household: Household
    score: Score | None
    eligibility: Eligibility
    explanation: Explanation | None
    declaration: dict[str, Any] | None
    history: list[Score]


def may_read_household(person: Person) -> bool:
    """Adult members read their household's data; children do not (docs/domain.md)."""
    return age_on(person.birth_date, clock.today()) >= ADULT_AGE


def score_overview(db: Session, person_id: int) -> ScoreOverview:
    """The score of the household the person belongs to, with its explanation.

    Raises ``no_household`` when the person is in none, and ``forbidden``
    for members under 18.
    """
    person = db.get(Person, person_id)
    membership = active_membership(db, person_id) if person else None
    if person is None or membership is None:
        raise DomainError("no_household")
    if not may_read_household(person):
        raise Forbidden()
    return household_overview(db, membership.household)


def household_overview(db: Session, household: Household) -> ScoreOverview:
    """The household's current score, eligibility, explanation and history."""
    score = current_score(db, household)
    explanation = explain(score.contribution_values(), score.regional_effect) if score else None
    return ScoreOverview(
        household=household,
        score=score,
        eligibility=eligibility_of(household, score),
        explanation=explanation,
        declaration=score.version.declaration if score else None,
        history=score_history(db, household.id),
    )
