"""Loading a synthetic population into the register, in bulk.

Each chunk of households is generated in memory, then written with COPY in
one transaction: persons (in the RNP mirror), households, version 1 of each
declaration, version members and memberships. A crash loses at most the
chunk in flight; chunks already committed stay valid households.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app import clock
from app.db import is_postgresql, make_engine
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
                household.declaration,
                "registration",
                "system",
                now,
            )
        )

    copy_rows(db, "persons", PERSON_COLUMNS, persons)
    copy_rows(db, "households", HOUSEHOLD_COLUMNS, homes)
    copy_rows(db, "household_versions", VERSION_COLUMNS, versions, json_columns=("declaration",))
    copy_rows(db, "household_version_members", VERSION_MEMBER_COLUMNS, version_members)
    copy_rows(db, "memberships", MEMBERSHIP_COLUMNS, memberships)
    return household_ids, person_count


# A household has at most 13 members, so each chunk gets a block of serials
# this many times its size: chunks can be made in any order, in parallel.
SERIALS_PER_HOUSEHOLD = 13


@dataclass(frozen=True)
class _Chunk:
    seed: int
    index: int
    size: int
    chunk_size: int
    as_of: date
    first_serial: int

    def households(self) -> list[SyntheticHousehold]:
        """This chunk's households: its own seed and its own block of serials."""
        return list(
            generate(
                self.size,
                seed=self.seed * 1_000_003 + self.index,
                as_of=self.as_of,
                first_serial=self.first_serial
                + self.index * self.chunk_size * SERIALS_PER_HOUSEHOLD,
            )
        )


def _load_chunk(db: Session, chunk: _Chunk, after_chunk: ChunkHook | None) -> int:
    """Generate, write and commit one chunk; returns how many persons it held."""
    household_ids, persons = _write_chunk(db, chunk.households())
    if after_chunk is not None:
        after_chunk(db, household_ids)
    db.commit()
    return persons


_worker_sessions: dict[str, sessionmaker[Session]] = {}


def _load_chunk_in_worker(database_url: str, chunk: _Chunk, after_chunk: ChunkHook | None) -> int:
    """Runs in a worker process, with its own connection (one engine per process)."""
    if database_url not in _worker_sessions:
        _worker_sessions[database_url] = sessionmaker(bind=make_engine(database_url, pool_size=1))
    with _worker_sessions[database_url]() as db:
        return _load_chunk(db, chunk, after_chunk)


def seed_synthetic_population(
    db: Session,
    count: int,
    *,
    seed: int,
    as_of: date,
    chunk_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
    after_chunk: ChunkHook | None = None,
    workers: int | None = None,
) -> SeedReport:
    """Generate and load ``count`` households, one transaction per chunk.

    On PostgreSQL, chunks are generated and written by worker processes, each
    with its own connection, so that every core works (Python draws and
    encodes rows while the server parses them). ``after_chunk`` must then be a
    module-level function. SQLite has one writer: it loads in this process.
    """
    started = time.perf_counter()
    first_serial = next_synthetic_serial(db)
    chunks = [
        _Chunk(seed, index, min(chunk_size, count - start), chunk_size, as_of, first_serial)
        for index, start in enumerate(range(0, count, chunk_size))
    ]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if is_postgresql(db) else 1
    persons_total = 0
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            persons_total += _load_chunk(db, chunk, after_chunk)
            if progress:
                progress(chunk.size)
    else:
        url = db.get_bind().engine.url.render_as_string(hide_password=False)
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_load_chunk_in_worker, url, c, after_chunk): c for c in chunks}
            for future in as_completed(futures):
                persons_total += future.result()
                if progress:
                    progress(futures[future].size)

    audit.record(
        db,
        Actor.system(),
        "synthetic_population_seeded",
        details={"households": count, "persons": persons_total, "seed": seed},
    )
    db.commit()
    return SeedReport(count, persons_total, time.perf_counter() - started)
