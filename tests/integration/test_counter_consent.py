"""Consent at the counter, below the pages: races, limits, where codes go."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import identity_check
from app.domain.errors import DomainError, NotFound
from app.models import ConsentCode, OutboxMessage, Person
from app.services import counter, counter_supervision
from app.services import household_life as life
from app.services.actors import Actor
from app.services.outbox import _address
from tests.support.actors import counter_agent

SECRET = "s" * 40
CARD = identity_check.IdentityCheck(cnie="AB123456", expires_on="31/12/2031", reason="phone_lost")


def youssef(db: Session) -> Person:
    person = db.scalar(select(Person).where(Person.idcs == "1000000201"))
    assert person is not None
    return person


def codes_sent(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == "consent_code")
    return list(db.scalars(query.order_by(OutboxMessage.id)))


@pytest.mark.usefixtures("integrity_checked")
def test_parallel_guesses_count_one_after_the_other(app: Flask, db: Session, demo: None) -> None:
    agent = counter_agent(db)
    person_id = youssef(db).id
    counter.send_code(db, agent, person_id, "session", SECRET)
    outcomes: list[str] = []
    factory = app.extensions["rsu_db"]

    def guess(n: int) -> None:
        session = factory()
        try:
            with session.begin():
                outcomes.append(
                    counter._verify_code(session, agent, person_id, "session", f"{n:06d}x", SECRET)
                )
        finally:
            session.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # Five wrong tries are counted; every later one finds the desk locked.
    assert outcomes.count("wrong") == 5 and outcomes.count("locked") == 7
    db.expire_all()
    assert db.scalar(select(ConsentCode.attempts)) == 5


def test_codes_per_citizen_are_limited(db: Session, demo: None) -> None:
    agent = counter_agent(db)
    for _ in range(counter.CODES_PER_HOUR):
        counter.send_code(db, agent, youssef(db).id, "session", SECRET)
    with pytest.raises(DomainError) as refused:
        counter.send_code(db, agent, youssef(db).id, "session", SECRET)
    assert refused.value.code == "too_many_codes"


def test_a_search_that_finds_no_one_counts_against_the_limit(db: Session, demo: None) -> None:
    agent = counter_agent(db)
    for n in range(counter.SEARCHES_PER_HOUR):
        with pytest.raises(NotFound):
            counter.find_citizen(db, agent, "cnie", f"ZZ{n:06d}")
    with pytest.raises(DomainError) as refused:
        counter.find_citizen(db, agent, "cnie", "AB123456")
    assert refused.value.code == "too_many_searches"


def test_the_deregistration_code_goes_to_the_phone_on_file_when_the_session_opened(
    db: Session, demo: None
) -> None:
    agent = counter_agent(db)
    person = youssef(db)
    on_file = person.phone
    counter.send_code(db, agent, person.id, "session", SECRET)
    code = str(codes_sent(db)[-1].payload["code"])
    held = counter.open_with_code(db, agent, person.id, code, SECRET, minutes=30)
    acting = Actor.agent_for(agent.account_id, agent.office, person.id, held.id)
    household = life.declarant_of_household(db, person.id).household
    change = life.ChangeForm("phone", household.version_number, "k-phone", {"phone": "0699999999"})
    life.declare_change(db, person.id, acting, change)  # the agent changes the number
    counter.send_code(db, acting, person.id, "deregistration", SECRET)
    message = codes_sent(db)[-1]
    assert message.payload["purpose"] == "deregistration"
    assert _address(db, message) == on_file != "+212699999999"


def test_no_identity_check_while_codes_are_locked_and_the_phone_is_told(
    db: Session, demo: None
) -> None:
    agent = counter_agent(db)
    person = youssef(db)
    counter.send_code(db, agent, person.id, "session", SECRET)
    for _ in range(counter.MAX_WRONG_CODES):
        with pytest.raises(DomainError):
            counter.open_with_code(db, agent, person.id, "xxxxxx", SECRET, minutes=30)
    with pytest.raises(DomainError) as refused:
        counter.open_with_identity_check(db, agent, person.id, CARD, minutes=30)
    assert refused.value.code == "consent_locked"

    other = counter_agent(db, subject="agent-2")
    fatima = db.scalar(select(Person).where(Person.idcs == "1000000202"))
    assert fatima is not None and fatima.cnie is not None
    card = identity_check.IdentityCheck(
        cnie=fatima.cnie, expires_on="2031-12-31", reason="phone_lost"
    )
    held = counter.open_with_identity_check(db, other, fatima.id, card, minutes=30)
    assert (
        held.identity_check is not None and held.identity_check["card_expires_on"] == "2031-12-31"
    )
    told = db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "session_opened_by_card"))
    assert told is not None and told.payload["to_phone"] == held.phone_at_start


def test_identity_checks_per_agent_are_limited(db: Session, demo: None) -> None:
    agent = counter_agent(db)
    person = youssef(db)
    for _ in range(counter.IDENTITY_CHECKS_PER_DAY):
        held = counter.open_with_identity_check(db, agent, person.id, CARD, minutes=30)
        counter.end_session(db, agent, held.id)
    with pytest.raises(DomainError) as refused:
        counter.open_with_identity_check(db, agent, person.id, CARD, minutes=30)
    assert refused.value.code == "too_many_identity_checks"


def test_a_second_supervisor_cannot_overwrite_the_first_check(db: Session, demo: None) -> None:
    agent = counter_agent(db)
    held = counter.open_with_identity_check(db, agent, youssef(db).id, CARD, minutes=30)
    counter.end_session(db, agent, held.id)
    first, second = counter_agent(db, subject="sup-1"), counter_agent(db, subject="sup-2")
    counter_supervision.record_check(db, first, held.id, "confirmed", "")
    counter_supervision.record_check(db, first, held.id, "confirmed", "")  # sent twice: harmless
    with pytest.raises(DomainError) as refused:
        counter_supervision.record_check(db, second, held.id, "problem", "looks odd")
    assert refused.value.code == "already_checked"


def test_an_agent_holds_one_session_at_a_time(db: Session, demo: None) -> None:
    agent = counter_agent(db)
    first = counter.open_with_identity_check(db, agent, youssef(db).id, CARD, minutes=30)
    amina = db.scalar(select(Person).where(Person.idcs == "1000000101"))
    assert amina is not None and amina.cnie is not None
    card = identity_check.IdentityCheck(cnie=amina.cnie, expires_on="2031-12-31", reason="no_phone")
    counter.open_with_identity_check(db, agent, amina.id, card, minutes=30)
    db.expire_all()
    assert first.ended_at is not None and first.end_reason == "replaced"


def test_card_dates_as_typed_or_as_sent() -> None:
    assert (
        identity_check.card_date("31/12/2030")
        == identity_check.card_date("2030-12-31")
        == date(2030, 12, 31)
    )
    assert (
        identity_check.card_date("31/02/2030") is None
        and identity_check.card_date("demain") is None
    )


def test_a_deregistration_code_is_spent_only_with_the_deregistration(
    db: Session, demo: None
) -> None:
    agent = counter_agent(db)
    person = youssef(db)
    counter.send_code(db, agent, person.id, "session", SECRET)
    held = counter.open_with_code(
        db, agent, person.id, str(codes_sent(db)[-1].payload["code"]), SECRET, minutes=30
    )
    acting = Actor.agent_for(agent.account_id, agent.office, person.id, held.id)
    counter.send_code(db, acting, person.id, "deregistration", SECRET)
    code = str(codes_sent(db)[-1].payload["code"])
    counter.confirm_code(db, acting, person.id, "deregistration", code, SECRET)
    db.rollback()  # the deregistration failed after the code was checked
    unused = select(ConsentCode).where(ConsentCode.purpose == "deregistration")
    assert db.scalar(unused.where(ConsentCode.used_at.is_(None))) is not None
    # One call spends the code and deregisters, in one transaction.
    life.deregister(db, person.id, acting, understood=True, consent=life.CodeReadOut(code, SECRET))
    db.expire_all()
    assert db.scalar(unused.where(ConsentCode.used_at.is_(None))) is None


def test_a_card_expiry_is_accepted_from_today_to_ten_years_ahead(db: Session, demo: None) -> None:
    person = youssef(db)
    today = date(2028, 2, 29)

    def problems(expires_on: date) -> set[str]:
        check = identity_check.IdentityCheck(
            person.cnie or "", expires_on.isoformat(), "phone_lost"
        )
        return set(identity_check.check_identity(person.cnie, check, today))

    assert problems(today) == set()
    assert problems(date(2038, 2, 28)) == set()  # ten years on, from a 29 February
    assert problems(date(2038, 3, 1)) == {"expires_on"}
    assert problems(date(2028, 2, 28)) == {"expires_on"}
    assert problems(date(2099, 12, 31)) == {"expires_on"}
