"""``flask demo seed``: demo people and a synthetic population, bulk-loaded on PostgreSQL."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.integrations.population_register import LocalPopulationRegister
from app.models import (
    AuditEvent,
    Household,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
    Person,
)
from app.services.demo import seed_demo_people
from app.services.synthetic_population import seed_synthetic_population


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_demo_seed_creates_the_demo_people_and_youssefs_household(db: Session) -> None:
    household = seed_demo_people(db)
    assert household.rsu_number.startswith("RSU-")
    members = db.scalars(
        select(Person.first_name_latin)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.household_id == household.id)
        .order_by(Person.id)
    ).all()
    assert members == ["Youssef", "Fatima", "Omar", "Meryem", "Khadija"]
    karim = db.scalar(select(Person).where(Person.cnie == "K987654"))
    assert karim is not None and karim.in_rnp is False and karim.idcs is None
    amina = db.scalar(select(Person).where(Person.idcs == "1000000101"))
    assert (
        amina is not None
        and db.scalar(select(Membership).where(Membership.person_id == amina.id)) is None
    )


def test_demo_seed_can_run_twice(db: Session) -> None:
    first = seed_demo_people(db)
    second = seed_demo_people(db)
    assert first.id == second.id
    assert count(db, Household) == 1
    assert count(db, Person) == 10


def test_synthetic_population_is_bulk_loaded_consistently(db: Session) -> None:
    seed_demo_people(db)
    report = seed_synthetic_population(db, 1200, seed=7, as_of=date(2026, 11, 1), chunk_size=500)
    assert report.households == 1200
    assert count(db, Household) == 1201
    assert count(db, HouseholdVersion) == 1201
    # Every synthetic person is in exactly one household, version 1 lists them all.
    assert count(db, Membership) == count(db, HouseholdVersionMember) == report.persons + 5
    assert count(db, Person) == report.persons + 10
    # Declarants are members of their own household, listed first.
    mismatched = db.scalar(
        select(func.count())
        .select_from(Household)
        .join(HouseholdVersion, HouseholdVersion.household_id == Household.id)
        .join(
            HouseholdVersionMember,
            (HouseholdVersionMember.version_id == HouseholdVersion.id)
            & (HouseholdVersionMember.position == 0),
        )
        .where(HouseholdVersionMember.person_id != Household.declarant_id)
    )
    assert mismatched == 0
    assert db.scalar(
        select(AuditEvent.details).where(AuditEvent.action == "synthetic_population_seeded")
    ) == {
        "households": 1200,
        "persons": report.persons,
        "seed": 7,
    }


def test_seeding_again_adds_new_people_without_collisions(db: Session) -> None:
    seed_synthetic_population(db, 300, seed=1, as_of=date(2026, 11, 1))
    seed_synthetic_population(db, 300, seed=1, as_of=date(2026, 11, 1))
    assert count(db, Household) == 600
    assert db.scalar(select(func.count(func.distinct(Person.idcs)))) == count(db, Person)


def test_the_local_register_finds_people_by_idcs_and_cnie(db: Session) -> None:
    seed_demo_people(db)
    register = LocalPopulationRegister(db)
    youssef = register.lookup_idcs("1000000201")
    assert youssef is not None and youssef.first_name_latin == "Youssef"
    assert register.find_by_cnie("ab123456") == youssef
    assert register.lookup_idcs("9999999999") is None
    assert register.lookup_idcs("12") is None
    # karim holds a CNIE but is not in the RNP.
    assert register.find_by_cnie("K987654") is None


def test_the_seed_command(app: Flask, db: Session) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--households", "150"])
    assert result.exit_code == 0, result.output
    assert "households/s" in result.output
    assert count(db, Household) == 151
