"""What the household page shows, read as rows rather than ORM objects.

The page lists every version of the household with the latest score of
each, and summarises the current declaration. One query brings all of it:
the household, through the person's active membership; each version's columns, its latest score's value (a correlated subquery),
and the declaration of the current version only (older declarations are
opened from their own page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import changes
from app.domain.errors import DomainError, Forbidden
from app.models import Household, HouseholdVersion, Person, Score
from app.services.household_life import Reader, confirmation_due, reader_of_household
from app.services.households import (
    CURRENT_DECLARATION,
    through_active_membership,
)
from app.services.score_overview import may_read_household


@dataclass(frozen=True)
class VersionLine:
    number: int
    created_at: datetime
    event: str
    made_by: str
    value: Decimal | None  # the version's latest score, if it has one
    declaration: dict[str, Any] | None  # the current version's only


@dataclass(frozen=True)
class HouseholdPage:
    reader: Reader
    versions: list[VersionLine]  # newest first

    @property
    def current(self) -> VersionLine:
        return self.versions[0]

    @property
    def scores(self) -> dict[int, VersionLine]:
        return {line.number: line for line in self.versions if line.value is not None}

    @property
    def due(self) -> date:
        return confirmation_due(self.reader.household, self.current.created_at)


# Built once, with bound parameters: /household runs it on every request,
# and composing it (a correlated subquery, a CASE) cost about as much as
# running it from SQLAlchemy's compiled cache. The household is reached
# through the person's active membership, in the same query.
_LATEST_SCORE = (
    select(Score.value)
    .where(Score.household_version_id == HouseholdVersion.id)
    .order_by(Score.id.desc())
    .limit(1)
    .correlate(HouseholdVersion)
    .scalar_subquery()
)
_MEMBERS_HOUSEHOLD_VERSIONS = (
    through_active_membership(
        select(
            Household,
            HouseholdVersion.number,
            HouseholdVersion.created_at,
            HouseholdVersion.event,
            HouseholdVersion.made_by,
            _LATEST_SCORE,
            CURRENT_DECLARATION,
        )
    )
    .join(HouseholdVersion, HouseholdVersion.household_id == Household.id)
    .order_by(HouseholdVersion.number.desc())
)


def household_page(db: Session, person_id: int) -> HouseholdPage:
    """The household an adult member may read (``no_household``, ``forbidden``
    as ``reader_of_household``), its versions and their scores."""
    person = db.get(Person, person_id)
    if person is None or not may_read_household(person):
        # Nobody, or a child: the same refusal (no_household or forbidden) as
        # on every page of the household, which reader_of_household raises.
        reader_of_household(db, person_id)
        raise Forbidden()  # not reached
    rows = db.execute(_MEMBERS_HOUSEHOLD_VERSIONS, {"person_id": person_id}).all()
    if not rows:
        raise DomainError("no_household")
    return HouseholdPage(Reader(person, rows[0][0]), [VersionLine(*row[1:]) for row in rows])


@dataclass(frozen=True)
class VersionPage:
    """One version beside the one before it, and the score each got."""

    version: HouseholdVersion
    previous: HouseholdVersion | None
    differences: list[changes.Difference]
    score_before: Score | None
    score_after: Score | None

    @property
    def declarations(self) -> list[dict[str, Any]]:
        return [self.version.declaration, *([self.previous.declaration] if self.previous else [])]


def version_page(db: Session, household_id: int, number: int) -> VersionPage | None:
    """None when the household has no version of that number."""
    rows = {
        v.number: v
        for v in db.scalars(
            select(HouseholdVersion).where(
                HouseholdVersion.household_id == household_id,
                HouseholdVersion.number.in_([number - 1, number]),
            )
        )
    }
    version = rows.get(number)
    if version is None:
        return None
    previous = rows.get(number - 1)
    scores = {
        version_number: score
        for version_number, score in db.execute(
            select(HouseholdVersion.number, Score)
            .join(Score, Score.household_version_id == HouseholdVersion.id)
            .where(HouseholdVersion.household_id == household_id,
                   HouseholdVersion.number.in_([number - 1, number]))
            .order_by(Score.id)
        )
    }  # fmt: skip
    differences = changes.compare(previous.declaration, version.declaration) if previous else []
    return VersionPage(version, previous, differences, scores.get(number - 1), scores.get(number))
