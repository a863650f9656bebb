"""Changes, optimistic locking, deregistration and retention on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.domain import identity_check
from app.domain.errors import DomainError
from app.models import (
    AssistedSession,
    AuditEvent,
    Household,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
    Person,
    RegistrationDraft,
    Score,
)
from app.services import counter
from app.services import household_life as life
from app.services import retention as retention_service
from app.services.registration import start_or_resume
from app.services.scoring import current_score, eligibility_of
from tests.support.actors import citizen, counter_agent

SPENDING = {"electricity_bill": "250", "water_bill": "70", "telecom": "100", "butane_bottles": "3"}


def youssef(db: Session) -> Person:
    person = db.scalar(select(Person).where(Person.idcs == "1000000201"))
    assert person is not None
    return person


def change(
    kind: str, answers: dict[str, str], base: int = 1, key: str = "key-1"
) -> life.ChangeForm:
    return life.ChangeForm(kind, base, key, answers)


@pytest.mark.usefixtures("integrity_checked")
def test_two_changes_based_on_the_same_version_one_wins_the_other_is_told(
    app: Flask, db: Session, demo: None
) -> None:
    person = youssef(db)
    actor = citizen(db, person)
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def run(index: int, form: life.ChangeForm) -> None:
        with app.extensions["rsu_db"]() as session:
            barrier.wait()
            try:
                results[index] = life.declare_change(session, person.id, actor, form)
            except DomainError as error:
                results[index] = error

    forms = [
        change("spending", SPENDING, key="a"),
        change("spending", {**SPENDING, "telecom": "50"}, key="b"),
    ]
    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    applied = [r for r in results if isinstance(r, life.Applied)]
    refused = [r for r in results if isinstance(r, life.HouseholdChanged)]
    assert len(applied) == 1 and len(refused) == 1, results
    assert refused[0].details["current"] == 2
    assert db.scalar(select(func.count()).select_from(HouseholdVersion)) == 2


def test_the_same_key_twice_makes_one_version(db: Session, demo: None) -> None:
    person = youssef(db)
    actor = citizen(db, person)
    first = life.declare_change(db, person.id, actor, change("spending", SPENDING))
    again = life.declare_change(db, person.id, actor, change("spending", SPENDING))
    assert first == again
    assert db.scalar(select(func.count()).select_from(HouseholdVersion)) == 2


def test_invalid_answers_change_nothing(db: Session, demo: None) -> None:
    person = youssef(db)
    with pytest.raises(DomainError) as error:
        life.declare_change(
            db, person.id, citizen(db, person), change("spending", {**SPENDING, "telecom": "-3"})
        )
    assert error.value.code == "invalid"
    assert db.scalar(select(func.count()).select_from(HouseholdVersion)) == 1
    assert db.scalar(select(func.count()).select_from(Score)) == 1


def test_versions_are_kept_and_list_their_members(db: Session, demo: None) -> None:
    person = youssef(db)
    actor = citizen(db, person)
    life.declare_change(db, person.id, actor, change("death", {"member": "4"}))
    rows = db.execute(
        select(HouseholdVersion.number, func.count(HouseholdVersionMember.person_id))
        .join(HouseholdVersionMember)
        .group_by(HouseholdVersion.number)
        .order_by(HouseholdVersion.number)
    ).all()
    assert rows == [(1, 5), (2, 4)]
    first = db.scalar(select(HouseholdVersion).where(HouseholdVersion.number == 1))
    assert first is not None and len(first.declaration["members"]) == 5  # untouched


def test_deregistration_ends_eligibility_and_memberships(db: Session, demo: None) -> None:
    person = youssef(db)
    household = life.deregister(db, person.id, citizen(db, person), understood=True)
    assert household.status == "deregistered"
    assert (
        db.scalar(select(func.count()).select_from(Membership).where(Membership.ended_at.is_(None)))
        == 0
    )
    score = current_score(db, household)
    assert score is not None and eligibility_of(household, score).counts is False
    assert (
        db.scalar(select(AuditEvent).where(AuditEvent.action == "household_deregistered"))
        is not None
    )


def test_retention_purges_old_deregistered_households_and_expired_drafts(
    db: Session, demo: None
) -> None:
    person = youssef(db)
    # Served at a counter once: the session's record goes with the household.
    agent = counter_agent(db)
    check = identity_check.IdentityCheck(
        cnie="AB123456", expires_on="2031-01-01", reason="no_phone"
    )
    session = counter.open_with_identity_check(db, agent, person.id, check, minutes=30)
    counter.end_session(db, agent, session.id)
    life.deregister(db, person.id, citizen(db, person), understood=True)
    amina = db.scalar(select(Person).where(Person.idcs == "1000000101"))
    assert amina is not None
    start_or_resume(db, amina.id, citizen(db, amina), timedelta(days=90))
    retention = timedelta(days=1825)
    with clock.freeze(clock.now() + timedelta(days=1824)):
        assert retention_service.purge_retained_data(db, retention) == retention_service.Purged(
            households=0, drafts=1
        )
        assert db.scalar(select(func.count()).select_from(Household)) == 1
    with clock.freeze(clock.now() + timedelta(days=1826)):
        assert retention_service.purge_retained_data(db, retention) == retention_service.Purged(
            households=1, drafts=0
        )
    for model in (
        Household,
        HouseholdVersion,
        HouseholdVersionMember,
        Membership,
        Score,
        RegistrationDraft,
        AssistedSession,
    ):
        assert db.scalar(select(func.count()).select_from(model)) == 0, model
    # The people stay in the RNP mirror, and the audit trail keeps its record.
    assert db.scalar(select(Person).where(Person.idcs == "1000000201")) is not None
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "retention_purge")) is not None


def test_the_retention_command(app: Flask, db: Session, demo: None) -> None:
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0 and "0 household(s)" in result.output
