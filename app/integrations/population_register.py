"""The population register (RNP) port, and its local adapter.

The real RNP is reached through the ANR's verification services; that adapter
needs credentials the portal does not have in development. The local adapter
reads the ``persons`` table, which ``flask demo seed`` fills with the demo
people and the synthetic population.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Person


@dataclass(frozen=True)
class RegisteredPerson:
    """What the RNP says about a person."""

    person_id: int
    idcs: str
    cnie: str | None
    first_name_ar: str
    last_name_ar: str
    first_name_latin: str
    last_name_latin: str
    birth_date: date
    sex: str
    phone: str | None


class PopulationRegister(Protocol):
    def lookup_idcs(self, idcs: str) -> RegisteredPerson | None:
        """The person with this IDCS, or None."""
        ...

    def find_by_cnie(self, cnie: str) -> RegisteredPerson | None:
        """The person who holds this CNIE, or None if they are not in the RNP."""
        ...


def _to_registered(person: Person) -> RegisteredPerson:
    assert person.idcs is not None
    return RegisteredPerson(
        person_id=person.id,
        idcs=person.idcs,
        cnie=person.cnie,
        first_name_ar=person.first_name_ar,
        last_name_ar=person.last_name_ar,
        first_name_latin=person.first_name_latin,
        last_name_latin=person.last_name_latin,
        birth_date=person.birth_date,
        sex=person.sex,
        phone=person.phone,
    )


class LocalPopulationRegister:
    """The RNP as mirrored in our own ``persons`` table."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def lookup_idcs(self, idcs: str) -> RegisteredPerson | None:
        if not (len(idcs) == 10 and idcs.isdigit()):
            return None
        person = self.db.scalar(select(Person).where(Person.idcs == idcs, Person.in_rnp.is_(True)))
        return _to_registered(person) if person else None

    def find_by_cnie(self, cnie: str) -> RegisteredPerson | None:
        normalized = cnie.strip().upper()
        person = self.db.scalar(
            select(Person).where(Person.cnie == normalized, Person.in_rnp.is_(True))
        )
        return _to_registered(person) if person else None


def population_register(db: Session) -> PopulationRegister:
    """The configured adapter. Only the local one exists until the ANR grants access."""
    return LocalPopulationRegister(db)
