"""Writing households: the steps every path that creates one shares.

These helpers add rows to the caller's transaction and never commit or
audit: the use case around them (registration, the demo seed) owns the
transaction and writes the one audit record of the act.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, func, insert, select, text
from sqlalchemy.orm import Session, make_transient_to_detached

from app import clock
from app.db import table_of
from app.domain.identifiers import rsu_number
from app.models import (
    Household,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
)
from app.services.actors import Actor


def next_household_id_expression() -> ColumnElement[int]:
    """The next value of the households' id sequence (PostgreSQL), for a use
    case that reserves it in a statement it sends anyway."""
    return func.nextval(func.pg_get_serial_sequence("households", "id"), type_=Integer)


def next_household_id(db: Session) -> int:
    """Reserve the next household id, so the RSU number can be derived from it.

    On PostgreSQL the id comes from the table's sequence (safe under
    concurrency); SQLite serialises writers, so the next integer is enough.
    """
    if db.get_bind().dialect.name == "postgresql":
        return int(
            db.execute(
                text("SELECT nextval(pg_get_serial_sequence('households', 'id'))")
            ).scalar_one()
        )
    return int(db.scalar(select(func.coalesce(func.max(Household.id), 0))) or 0) + 1


def create_household(
    db: Session,
    *,
    declarant_id: int,
    declaration: dict[str, Any],
    members: list[tuple[int, str]],
    actor: Actor,
    made_by: str = "declarant",
) -> Household:
    """A new household with its version 1, its version members and memberships.

    ``members`` lists (person id, relation to the declarant), the declarant
    first. The partial unique index on active memberships refuses a person
    who already belongs to another household, whatever the code checked.
    """
    now = clock.now()
    household_id = next_household_id(db)
    household = Household(
        id=household_id,
        rsu_number=rsu_number(household_id),
        status="active",
        declarant_id=declarant_id,
        region=declaration["residence"]["region"],
        version_number=1,
        registered_at=now,
    )
    db.add(household)
    version = HouseholdVersion(
        household=household,
        number=1,
        declaration=declaration,
        event="registration",
        made_by=made_by,
        made_by_account_id=actor.account_id,
        created_at=now,
    )
    db.add(version)
    for position, (person_id, relation) in enumerate(members):
        db.add(
            HouseholdVersionMember(
                version=version, person_id=person_id, position=position, relation=relation
            )
        )
        db.add(
            Membership(
                household=household,
                person_id=person_id,
                relation=relation,
                started_at=now,
            )
        )
    return household


def insert_household(
    db: Session,
    *,
    household_id: int,
    declarant_id: int,
    declaration: dict[str, Any],
    members: list[tuple[int, str]],
    actor: Actor,
    made_by: str = "declarant",
) -> tuple[Household, int]:
    """What ``create_household`` writes, as four INSERTs and no unit of work.

    For the registration, whose submits are the busiest write of the portal:
    the ORM's flush of a household, its version and two rows per member cost
    more than the statements themselves. ``household_id`` comes from
    ``next_household_id``. Returns the household (persistent in ``db``, as if
    loaded) and the id of its version 1.
    """
    now = clock.now()
    row = {
        "id": household_id,
        "rsu_number": rsu_number(household_id),
        "status": "active",
        "declarant_id": declarant_id,
        "region": declaration["residence"]["region"],
        "version_number": 1,
        "registered_at": now,
        "confirmed_at": None,
        "deregistered_at": None,
    }
    db.execute(insert(table_of(Household)), row)
    version_id = db.execute(
        insert(table_of(HouseholdVersion))
        .values(
            household_id=household_id,
            number=1,
            declaration=declaration,
            event="registration",
            made_by=made_by,
            made_by_account_id=actor.account_id,
            created_at=now,
        )
        .returning(table_of(HouseholdVersion).c.id)
    ).scalar_one()
    # One multi-row INSERT each, whatever the number of members.
    memberships = [
        {"household_id": household_id, "person_id": person_id, "relation": relation,
         "started_at": now, "ended_at": None, "end_reason": None}
        for person_id, relation in members
    ]  # fmt: skip
    db.execute(insert(table_of(Membership)).values(memberships))
    version_members = [
        {"version_id": version_id, "person_id": person_id, "position": position,
         "relation": relation}
        for position, (person_id, relation) in enumerate(members)
    ]  # fmt: skip
    db.execute(insert(table_of(HouseholdVersionMember)).values(version_members))
    household = Household(**row)
    # The row is written: the session takes the object as loaded, not as new.
    make_transient_to_detached(household)
    db.add(household)
    return household, int(version_id)
