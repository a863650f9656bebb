"""The registration service on PostgreSQL: all or nothing, once per key, one household per person."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import clock
from app.domain.errors import DomainError
from app.models import (
    AuditEvent,
    Household,
    HouseholdVersion,
    Membership,
    Person,
    RegistrationDraft,
    RegistrationSubmission,
    Score,
)
from app.services import registration as service
from app.services import registration_submit as submission
from tests.support.actors import citizen
from tests.support.registration import ADULT, CHILD, EQUIPMENT, HOUSING, RESIDENCE, SPENDING

RETENTION = timedelta(days=90)


def person(db: Session, idcs: str) -> Person:
    found = db.scalar(select(Person).where(Person.idcs == idcs))
    assert found is not None
    return found


def complete_draft(db: Session, declarant: Person, others: list[tuple[Person, str]]) -> str:
    """A draft with every section valid; returns its submission key."""
    actor = citizen(db, declarant)
    draft = service.start_or_resume(db, declarant.id, actor, RETENTION)
    for section, answers in (
        ("residence", RESIDENCE),
        ("housing", HOUSING),
        ("equipment", EQUIPMENT),
        ("spending", SPENDING),
    ):
        assert service.save_section(db, declarant.id, section, answers, RETENTION).valid
    for other, relation in others:
        data = dict(draft.data)
        data["pending_person_id"] = other.id
        draft.data = data
        db.commit()
        service.add_pending_member(db, declarant.id, relation, RETENTION)
    service.confirm_members(db, declarant.id, RETENTION)
    view = service.view_draft(db, service.find_draft(db, declarant.id))  # type: ignore[arg-type]
    for member in view.members:
        answers = {
            **(ADULT if member.age >= 18 else CHILD),
            "relation": member.details_raw.get("relation", ""),
        }
        assert service.save_member_details(db, declarant.id, member.key, answers, RETENTION).valid
    view = service.view_draft(db, service.find_draft(db, declarant.id))  # type: ignore[arg-type]
    assert view.ready, view.statuses
    return view.draft.submission_key


def counts(db: Session) -> tuple[int, ...]:
    return tuple(
        db.scalar(select(func.count()).select_from(model)) or 0
        for model in (Household, HouseholdVersion, Membership, Score, RegistrationSubmission)
    )


def submit(db: Session, declarant: Person, key: str) -> submission.Receipt:
    return submission.submit_registration(
        db, declarant.id, key, honour=True, consent=True, actor=citizen(db, declarant)
    )


def test_a_failure_midway_leaves_nothing_behind(
    db: Session, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    amina = person(db, "1000000101")
    key = complete_draft(db, amina, [(person(db, "1000000102"), "spouse")])
    before = counts(db)

    def broken_audit(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit trail on fire")

    # It fails after every row of the registration was written.
    monkeypatch.setattr(submission.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        submit(db, amina, key)
    db.rollback()
    assert counts(db) == before
    assert (
        db.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "household_registered",
                AuditEvent.on_behalf_of_person_id == amina.id,
            )
        )
        is None
    )
    assert service.find_draft(db, amina.id) is not None  # the draft is intact: try again
    monkeypatch.undo()
    receipt = submit(db, amina, key)
    assert receipt.number.startswith("REC-")


def household_ids_taken(db: Session) -> int:
    """The households' sequence as it stands (reading it takes no value)."""
    return int(db.execute(text("SELECT last_value FROM households_id_seq")).scalar_one())


def test_a_stale_key_takes_no_household_id(db: Session, demo: None) -> None:
    """The submit reads the draft and reserves the id in one statement: only
    the draft's own key reserves one."""
    amina = person(db, "1000000101")
    complete_draft(db, amina, [])
    before = household_ids_taken(db)
    with pytest.raises(DomainError) as refused:
        submit(db, amina, "a-key-from-an-older-form")
    assert refused.value.code == "stale_form"
    db.rollback()
    assert household_ids_taken(db) == before


def test_without_a_model_in_force_nothing_is_registered(db: Session, demo: None) -> None:
    amina = person(db, "1000000101")
    key = complete_draft(db, amina, [])
    before = counts(db)
    # The demo's model is in force from 1 January 2026.
    the_day_before = datetime(2025, 12, 31, 12, tzinfo=UTC)
    with clock.freeze(the_day_before), pytest.raises(DomainError) as refused:
        submit(db, amina, key)
    assert refused.value.code == "no_scoring_model"
    db.rollback()
    assert counts(db) == before
    assert service.find_draft(db, amina.id) is not None
    assert submit(db, amina, key).number.startswith("REC-")


def test_submitting_twice_gives_one_household_and_the_same_receipt(db: Session, demo: None) -> None:
    amina = person(db, "1000000101")
    key = complete_draft(db, amina, [(person(db, "1000000103"), "child")])
    first = submit(db, amina, key)
    second = submit(db, amina, key)
    assert first.number == second.number and first.household.id == second.household.id
    assert db.scalar(select(func.count()).select_from(Household)) == 2


def run_together(app: Flask, *jobs: Any) -> list[Any]:
    """Run each job(db) in its own thread and session, released at the same moment."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Any) -> None:
        with app.extensions["rsu_db"]() as db:
            barrier.wait()
            try:
                results[index] = job(db)
            except Exception as error:  # collected for the assertions
                results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.usefixtures("integrity_checked")
def test_the_same_key_sent_twice_at_once_gives_one_receipt(
    app: Flask, db: Session, demo: None
) -> None:
    amina = person(db, "1000000101")
    key = complete_draft(db, amina, [(person(db, "1000000102"), "spouse")])
    results = run_together(app, lambda s: submit(s, amina, key), lambda s: submit(s, amina, key))
    assert all(isinstance(r, submission.Receipt) for r in results), results
    assert results[0].number == results[1].number
    assert db.scalar(select(func.count()).select_from(Household)) == 2


@pytest.mark.usefixtures("integrity_checked")
def test_two_declarants_with_the_same_person_at_once_exactly_one_succeeds(
    app: Flask, db: Session, demo: None
) -> None:
    amina, hassan, salma = (
        person(db, "1000000101"),
        person(db, "1000000102"),
        person(db, "1000000103"),
    )
    # Both add Salma, each in their own draft.
    key_amina = complete_draft(db, amina, [(salma, "child")])
    key_hassan = complete_draft(db, hassan, [(salma, "child")])
    results = run_together(
        app, lambda s: submit(s, amina, key_amina), lambda s: submit(s, hassan, key_hassan)
    )
    receipts = [r for r in results if isinstance(r, submission.Receipt)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(receipts) == 1 and len(refusals) == 1, results
    assert refusals[0].code == "member_in_other_household"
    salma_memberships = db.scalars(
        select(Membership).where(Membership.person_id == salma.id, Membership.ended_at.is_(None))
    ).all()
    assert len(salma_memberships) == 1
    assert db.scalar(select(func.count()).select_from(Household)) == 2


def test_a_stale_key_is_refused(db: Session, demo: None) -> None:
    amina = person(db, "1000000101")
    complete_draft(db, amina, [])
    with pytest.raises(DomainError) as error:
        submit(db, amina, "a-key-from-an-old-tab")
    assert error.value.code == "stale_form"


def test_drafts_expire_and_are_purged(db: Session, demo: None) -> None:
    amina = person(db, "1000000101")
    service.start_or_resume(db, amina.id, citizen(db, amina), RETENTION)
    with clock.freeze(clock.now() + timedelta(days=89)):
        assert service.find_draft(db, amina.id) is not None
        assert service.purge_expired_drafts(db) == 0
    with clock.freeze(clock.now() + timedelta(days=91)):
        assert service.find_draft(db, amina.id) is None
        assert service.purge_expired_drafts(db) == 1
    assert db.scalar(select(func.count()).select_from(RegistrationDraft)) == 0


def test_only_adults_in_the_rnp_without_a_household_may_declare(db: Session, demo: None) -> None:
    salma = person(db, "1000000103")
    assert service.registration_blocker(db, salma) == "minor"
    assert service.registration_blocker(db, person(db, "1000000201")) == "already_registered"
    karim = db.scalar(select(Person).where(Person.cnie == "K987654"))
    assert karim is not None and service.registration_blocker(db, karim) == "not_in_rnp"
    assert service.registration_blocker(db, person(db, "1000000101")) is None
    assert date.today() > salma.birth_date


def test_the_database_refuses_a_second_household_even_if_the_check_is_skipped(
    db: Session, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule holds in the database, not only in the code (two submits racing past the check)."""
    amina, hassan, salma = (
        person(db, "1000000101"),
        person(db, "1000000102"),
        person(db, "1000000103"),
    )
    key_amina = complete_draft(db, amina, [(salma, "child")])
    key_hassan = complete_draft(db, hassan, [(salma, "child")])
    submit(db, amina, key_amina)
    monkeypatch.setattr(service, "active_membership", lambda *args, **kwargs: None)
    before = counts(db)
    with pytest.raises(DomainError) as error:
        submit(db, hassan, key_hassan)
    assert error.value.code == "member_in_other_household"
    db.rollback()
    assert counts(db) == before
