"""The demo people (README, "Demo people"), loaded by ``flask demo seed``."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import clock, demo_people
from app.db import transaction
from app.domain.declaration import member_entry
from app.models import Household, Person
from app.services import audit
from app.services.actors import Actor
from app.services.household_store import create_household
from app.services.households import active_membership
from app.services.scoring import ensure_default_model, score_version


def _upsert_person(db: Session, demo: demo_people.DemoPerson) -> Person:
    conditions = []
    if demo.idcs:
        conditions.append(Person.idcs == demo.idcs)
    if demo.cnie:
        conditions.append(Person.cnie == demo.cnie)
    person = db.scalar(select(Person).where(or_(*conditions)))
    if person is None:
        person = Person()
        db.add(person)
    person.idcs = demo.idcs
    person.cnie = demo.cnie
    person.first_name_latin = demo.first_name_latin
    person.last_name_latin = demo.last_name_latin
    person.first_name_ar = demo.first_name_ar
    person.last_name_ar = demo.last_name_ar
    person.birth_date = demo.birth_date
    person.sex = demo.sex
    person.phone = demo.phone
    person.in_rnp = demo.idcs is not None
    return person


def seed_demo_people(db: Session) -> Household:
    """Create or refresh the demo people, and register youssef's household once.

    Safe to run again: people are matched by IDCS or CNIE, and the household
    is only created if youssef has none. Returns youssef's household.
    """
    with transaction(db):
        persons = {demo.key: _upsert_person(db, demo) for demo in demo_people.PEOPLE}
        db.flush()
        ensure_default_model(db)
        youssef = persons["youssef"]
        membership = active_membership(db, youssef.id)
        if membership is not None:
            return membership.household

        template = demo_people.YOUSSEF_HOUSEHOLD
        members = []
        entries = []
        for answers in template["members"]:
            person = persons[answers["key"]]
            assert person.idcs is not None
            entries.append(member_entry(person.idcs, person.sex, person.birth_date, answers))
            members.append((person.id, answers["relation"]))
        declaration = {
            "as_of": clock.today().isoformat(),
            "residence": dict(template["residence"]),
            "members": entries,
            "housing": dict(template["housing"]),
            "assets": dict(template["assets"]),
            "spending": dict(template["spending"]),
        }
        household = create_household(
            db,
            declarant_id=youssef.id,
            declaration=declaration,
            members=members,
            actor=Actor.system(),
        )
        score_version(db, household, household.versions[0], "registration")
        db.flush()
        audit.record(
            db,
            Actor.system(),
            "household_registered",
            subject_type="household",
            subject_id=household.id,
            on_behalf_of_person_id=youssef.id,
            details={"demo": True},
        )
        return household
