"""Loading a synthetic population into the register, in bulk.

Each chunk of households is generated in memory, then written with COPY in
one transaction: persons (in the RNP mirror), households, version 1 of each
declaration, version members and memberships. A crash loses at most the
chunk in flight; chunks already committed stay valid households.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.domain.identifiers import rsu_number
from app.domain.synthetic import SyntheticHousehold, generate
from app.models import Person
from app.services import audit
from app.services.actors import Actor
from app.services.bulk import copy_rows, reserve_ids

PERSON_COLUMNS = (
    "id",
    "idcs",
    "cnie",
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "birth_date",
    "sex",
    "phone",
    "in_rnp",
)
HOUSEHOLD_COLUMNS = (
    "id",
    "rsu_number",
    "status",
    "declarant_id",
    "region",
    "version_number",
    "registered_at",
)
VERSION_COLUMNS = (
    "id",
    "household_id",
    "number",
    "declaration",
    "event",
    "made_by",
    "created_at",
)
VERSION_MEMBER_COLUMNS = ("version_id", "person_id", "position", "relation")
MEMBERSHIP_COLUMNS = ("id", "household_id", "person_id", "relation", "started_at")


@dataclass(frozen=True)
class SeedReport:
    households: int
    persons: int
    seconds: float

    @property
    def households_per_second(self) -> float:
        return self.households / self.seconds if self.seconds else 0.0


# Runs after each chunk is written, in the same transaction, with the new
# household ids (scoring uses it to give seeded households their first score).
ChunkHook = Callable[[Session, list[int]], None]


def next_synthetic_serial(db: Session) -> int:
    """The first unused synthetic serial (synthetic IDCS are ``2`` + 9 digits)."""
    highest = db.scalar(select(func.max(Person.idcs)).where(Person.idcs.like("2%")))
    return int(highest[1:]) + 1 if highest else 0


def _write_chunk(db: Session, households: list[SyntheticHousehold]) -> tuple[list[int], int]:
    now = clock.now()
    person_count = sum(len(h.persons) for h in households)
    first_person = reserve_ids(db, "persons", person_count)
    first_household = reserve_ids(db, "households", len(households))
    first_version = reserve_ids(db, "household_versions", len(households))
    first_membership = reserve_ids(db, "memberships", person_count)

    persons: list[tuple[object, ...]] = []
    homes: list[tuple[object, ...]] = []
    versions: list[tuple[object, ...]] = []
    version_members: list[tuple[object, ...]] = []
    memberships: list[tuple[object, ...]] = []
    person_id = first_person
    household_ids = []
    for offset, household in enumerate(households):
        household_id = first_household + offset
        version_id = first_version + offset
        household_ids.append(household_id)
        declarant_id = person_id
        for position, (person, member) in enumerate(
            zip(household.persons, household.declaration["members"], strict=True)
        ):
            persons.append(
                (
                    person_id,
                    person.idcs,
                    None,
                    person.first_name_ar,
                    person.last_name_ar,
                    person.first_name_latin,
                    person.last_name_latin,
                    person.birth_date,
                    person.sex,
                    person.phone,
                    True,
                )
            )
            version_members.append((version_id, person_id, position, member["relation"]))
            memberships.append(
                (
                    first_membership + len(memberships),
                    household_id,
                    person_id,
                    member["relation"],
                    now,
                )
            )
            person_id += 1
        homes.append(
            (
                household_id,
                rsu_number(household_id),
                "active",
                declarant_id,
                household.region,
                1,
                now,
            )
        )
        versions.append(
            (
                version_id,
                household_id,
                1,
                json.dumps(household.declaration),
                "registration",
                "system",
                now,
            )
        )

    copy_rows(db, "persons", PERSON_COLUMNS, persons)
    copy_rows(db, "households", HOUSEHOLD_COLUMNS, homes)
    copy_rows(db, "household_versions", VERSION_COLUMNS, versions)
    copy_rows(db, "household_version_members", VERSION_MEMBER_COLUMNS, version_members)
    copy_rows(db, "memberships", MEMBERSHIP_COLUMNS, memberships)
    return household_ids, person_count


def seed_synthetic_population(
    db: Session,
    count: int,
    *,
    seed: int,
    as_of: date,
    chunk_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
    after_chunk: ChunkHook | None = None,
) -> SeedReport:
    """Generate and load ``count`` households. Commits once per chunk."""
    started = time.perf_counter()
    first_serial = next_synthetic_serial(db)
    generator = generate(count, seed=seed, as_of=as_of, first_serial=first_serial)
    done = persons_total = 0
    while done < count:
        size = min(chunk_size, count - done)
        chunk = [next(generator) for _ in range(size)]
        household_ids, persons = _write_chunk(db, chunk)
        if after_chunk is not None:
            after_chunk(db, household_ids)
        db.commit()
        done += size
        persons_total += persons
        if progress:
            progress(size)
    audit.record(
        db,
        Actor.system(),
        "synthetic_population_seeded",
        details={"households": count, "persons": persons_total, "seed": seed},
    )
    db.commit()
    return SeedReport(count, persons_total, time.perf_counter() - started)
