"""Reading a person's household: the scope every citizen page starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, select
from sqlalchemy.orm import Session, joinedload, load_only

from app.models import Household, HouseholdVersion, Membership, Person


@dataclass(frozen=True)
class PersonOverview:
    person: Person
    household: Household | None
    membership: Membership | None

    @property
    def is_declarant(self) -> bool:
        return self.household is not None and self.household.declarant_id == self.person.id


# The condition every citizen page's statement starts from: the active
# membership of the person bound as ``person_id``.
PERSONS_ACTIVE_MEMBERSHIP: ColumnElement[bool] = and_(
    Membership.person_id == bindparam("person_id"), Membership.ended_at.is_(None)
)


_Statement = TypeVar("_Statement", bound=Select[*tuple[Any, ...]])


def through_active_membership(statement: _Statement) -> _Statement:
    """The statement reads from the household of the active membership of
    the person bound as ``person_id`` (joined as ``Household``)."""
    return (
        statement.select_from(Membership)
        .join(Household, Household.id == Membership.household_id)
        .where(PERSONS_ACTIVE_MEMBERSHIP)
    )


# A version's declaration when it is its household's current one, else NULL:
# the pages that list versions parse only the declaration they show.
CURRENT_DECLARATION = case(
    (HouseholdVersion.number == Household.version_number, HouseholdVersion.declaration)
)

# Built once: every citizen page runs it, and composing a statement costs
# about as much as running it from SQLAlchemy's cache.
_ACTIVE_MEMBERSHIP = (
    select(Membership).options(joinedload(Membership.household)).where(PERSONS_ACTIVE_MEMBERSHIP)
)


def active_membership(db: Session, person_id: int) -> Membership | None:
    """The person's current membership, with its household in the same query
    (every citizen page reads both)."""
    return db.scalar(_ACTIVE_MEMBERSHIP, {"person_id": person_id})


# Built once, as the others: /household runs it on every request. Pages
# show members' names, and writes need their ids: the rest of each person
# is left unread (it would be read on first use).
_PERSONS_BY_IDCS = (
    select(Person)
    .options(
        load_only(
            Person.idcs,
            Person.first_name_ar,
            Person.last_name_ar,
            Person.first_name_latin,
            Person.last_name_latin,
        )
    )
    .where(Person.idcs.in_(bindparam("idcs", expanding=True)))
)


def members_of(db: Session, *declarations: dict[str, Any]) -> dict[str, Person]:
    """The people these declarations name, by IDCS, in one query."""
    idcs = sorted({m["idcs"] for d in declarations for m in d["members"]})
    return {p.idcs: p for p in db.scalars(_PERSONS_BY_IDCS, {"idcs": idcs}) if p.idcs}
