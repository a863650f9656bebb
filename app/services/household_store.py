"""Writing households: the steps every path that creates one shares.

These helpers add rows to the caller's transaction and never commit or
audit: the use case around them (registration, the demo seed) owns the
transaction and writes the one audit record of the act.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    String,
    bindparam,
    func,
    insert,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, make_transient_to_detached

from app import clock
from app.db import is_postgresql, parameters, prefixed, table_of
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
    if is_postgresql(db):
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
    """A new household with its version 1, its version members and memberships,
    written by ``new_household_writes`` in one statement (on SQLite, by
    ``write_household_apart``).

    ``members`` lists (person id, relation to the declarant), the declarant
    first. The partial unique index on active memberships refuses a person
    who already belongs to another household, whatever the code checked.
    (The registration sends these writes together with its own, in one
    statement: ``registration_submit``.)
    """
    new = NewHousehold(next_household_id(db), declarant_id, declaration, members, actor, made_by)
    if not is_postgresql(db):
        row, _ = write_household_apart(db, new)
        return loaded_household(db, row)
    version, writes = new_household_writes()
    row, values = new_household_values(new)
    db.execute(select(version.c.id).add_cte(*writes), values).scalar_one()
    return loaded_household(db, row)


@dataclass(frozen=True)
class NewHousehold:
    """What a new household is written from. ``members`` lists (person id,
    relation to the declarant), the declarant first."""

    household_id: int
    declarant_id: int
    declaration: dict[str, Any]
    members: list[tuple[int, str]]
    actor: Actor
    made_by: str = "declarant"


@functools.cache
def new_household_writes() -> tuple[CTE, list[CTE]]:
    """A new household's rows, as INSERTs to send in one statement with the
    values of ``new_household_values``.

    For the registration, whose submits are the busiest write of the portal:
    the ORM's flush of a household, its version and two rows per member, one
    round trip each, cost more than the rows themselves. ``household_id``
    comes from the households' sequence (``next_household_id_expression``).

    Built once per process, with a parameter for each value (docs/
    architecture.md, "Conventions"). Returns version 1's INSERT, which
    returns the version's id, and the other INSERTs, each a common table
    expression of the caller's statement. PostgreSQL checks the foreign keys
    between them at the end of that statement.
    """
    households, versions = table_of(Household), table_of(HouseholdVersion)
    household = parameters(households, _HOUSEHOLD_COLUMNS, "household_")
    version = (
        insert(versions)
        .values(parameters(versions, _VERSION_COLUMNS, "version_"))
        .returning(versions.c.id)
        .cte("new_version")
    )
    # The members as two arrays unnested (with their positions), not a
    # VALUES row each: the statement is then the same whatever the number of
    # members.
    people = (
        func.unnest(
            bindparam("member_person_ids", type_=ARRAY(Integer)),
            bindparam("member_relations", type_=ARRAY(String)),
        )
        .table_valued("person_id", "relation", with_ordinality="ordinal")
        .render_derived(name="member")
    )
    memberships, version_members = table_of(Membership), table_of(HouseholdVersionMember)
    return (
        version,
        [
            insert(households).values(household).cte("new_household"),
            insert(memberships)
            .from_select(
                ["household_id", "person_id", "relation", "started_at"],
                select(household["id"], people.c.person_id, people.c.relation,
                       household["registered_at"]),
            )
            .cte("new_memberships"),
            insert(version_members)
            .from_select(
                ["version_id", "person_id", "position", "relation"],
                # Version 1's one row with each member: a cross join.
                select(version.c.id, people.c.person_id, people.c.ordinal - 1,
                       people.c.relation).select_from(version.join(people, true())),
            )
            .cte("new_members"),
        ],
    )  # fmt: skip


def new_household_values(new: NewHousehold) -> tuple[dict[str, Any], dict[str, Any]]:
    """The household's row (for ``loaded_household``), and the values of the
    parameters of ``new_household_writes``."""
    now = clock.now()
    row = _household_row(new, now)
    return row, {
        **prefixed(row, "household_"),
        **prefixed(_version_one(new, now), "version_"),
        "member_person_ids": [person_id for person_id, _ in new.members],
        "member_relations": [relation for _, relation in new.members],
    }


# The columns of ``_household_row`` and ``_version_one``.
_HOUSEHOLD_COLUMNS = ["id", "rsu_number", "status", "declarant_id", "region", "version_number",
                      "registered_at", "confirmed_at", "deregistered_at"]  # fmt: skip
_VERSION_COLUMNS = ["household_id", "number", "declaration", "event", "made_by",
                    "made_by_account_id", "created_at"]  # fmt: skip


def _household_row(new: NewHousehold, now: datetime) -> dict[str, Any]:
    return {
        "id": new.household_id,
        "rsu_number": rsu_number(new.household_id),
        "status": "active",
        "declarant_id": new.declarant_id,
        "region": new.declaration["residence"]["region"],
        "version_number": 1,
        "registered_at": now,
        "confirmed_at": None,
        "deregistered_at": None,
    }


def _version_one(new: NewHousehold, now: datetime) -> dict[str, Any]:
    return {
        "household_id": new.household_id,
        "number": 1,
        "declaration": new.declaration,
        "event": "registration",
        "made_by": new.made_by,
        "made_by_account_id": new.actor.account_id,
        "created_at": now,
    }


def write_household_apart(db: Session, new: NewHousehold) -> tuple[dict[str, Any], int]:
    """The rows of ``new_household_writes``, one INSERT per table, for
    SQLite (the database of ``make run``), which has neither INSERTs in a
    WITH clause nor arrays. Returns the household's row (for
    ``loaded_household``) and the id of its version 1."""
    now = clock.now()
    household_id, members = new.household_id, new.members
    row = _household_row(new, now)
    db.execute(insert(table_of(Household)), row)
    versions = table_of(HouseholdVersion)
    version_id = db.execute(
        insert(versions).values(_version_one(new, now)).returning(versions.c.id)
    ).scalar_one()
    db.execute(
        insert(table_of(Membership)),
        [{"household_id": household_id, "person_id": person_id, "relation": relation,
          "started_at": now} for person_id, relation in members],
    )  # fmt: skip
    db.execute(
        insert(table_of(HouseholdVersionMember)),
        [{"version_id": version_id, "person_id": person_id, "position": position,
          "relation": relation} for position, (person_id, relation) in enumerate(members)],
    )  # fmt: skip
    return row, int(version_id)


def loaded_household(db: Session, row: dict[str, Any]) -> Household:
    """The household of this row, written by ``new_household_writes``, in
    ``db`` as if it had been loaded (no second INSERT at the next flush)."""
    household = Household(**row)
    make_transient_to_detached(household)
    db.add(household)
    return household
