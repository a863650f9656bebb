"""Assisted service at a counter (docs/domain.md, "Assisted service at a counter").

An agent finds a citizen by exact CNIE or IDCS, never by name: the desk
cannot browse the register. Consent comes from a 6-digit code sent by SMS
to the phone on file, which the citizen reads out, or, without a phone, from
an identity check the agent records (flagged for a supervisor).

The agent then acts for that citizen's household only, for a limited time,
through the same services as the citizen; every act records the agent, the
office and the citizen. Deregistering for a citizen needs a fresh code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db import is_postgresql, transaction
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.identity_check import IdentityCheck, card_date, check_identity
from app.domain.validation import Problem
from app.models import AssistedSession, ConsentCode, HouseholdStatus, Person
from app.services import audit, rate_limits
from app.services.actors import Actor
from app.services.contact_details import phone_on_file
from app.services.households import active_membership
from app.services.outbox import notify

HOUR = timedelta(hours=1)
CODE_LIFETIME_MINUTES = 10
CODE_LIFETIME = timedelta(minutes=CODE_LIFETIME_MINUTES)
CODE_DIGITS = 6
MAX_WRONG_CODES = 5
LOCK_MINUTES = 30
LOCK_TIME = timedelta(minutes=LOCK_MINUTES)
SEARCHES_PER_HOUR = 60
CODES_PER_HOUR = 5  # SMS sent to one citizen: each costs, and each one bothers them
IDENTITY_CHECKS_PER_DAY = 10  # per agent: a desk opening many files without codes is noticed
# Any fixed number: with a person's id, it names the lock that puts one
# citizen's code checks in a queue (parallel guesses would each count late).
CODE_CHECK_LOCK = 7_290_002
PURPOSES = ("session", "deregistration")


# -- finding the citizen ---------------------------------------------------------------------


@dataclass(frozen=True)
class Citizen:
    """What the agent sees to confirm identity, and nothing more."""

    person: Person
    birth_year: int
    household_status: str  # none, member, declarant, deregistered
    has_phone: bool


def _household_status(db: Session, person: Person) -> str:
    membership = active_membership(db, person.id)
    if membership is None:
        return "none"
    return "declarant" if membership.household.declarant_id == person.id else "member"


def find_citizen(db: Session, agent: Actor, id_type: str, number: str) -> Citizen:
    """An exact CNIE or IDCS. Each search counts against the agent's hourly limit,
    and each find is recorded as an access for the citizen to see."""
    number = number.strip().upper()
    if not number:
        raise Invalid({"number": Problem("enter_id_number")})  # nothing searched, nothing counted
    bucket = f"counter-search:account:{agent.account_id}"
    if rate_limits.take(db, bucket, SEARCHES_PER_HOUR, HOUR) is None:
        raise DomainError("too_many_searches")
    with transaction(db):
        column = Person.cnie if id_type == "cnie" else Person.idcs
        person = db.scalar(select(Person).where(column == number))
        if person is not None:
            audit.record(db, agent, "citizen_found_at_counter", subject_type="person",
                         subject_id=person.id, on_behalf_of_person_id=person.id,
                         details={"by": id_type})  # fmt: skip
            return describe(db, person)
    raise NotFound()  # a search that finds no one counts too


def describe(db: Session, person: Person) -> Citizen:
    return Citizen(person, person.birth_date.year, _household_status(db, person),
                   phone_on_file(db, person) is not None)  # fmt: skip


# -- consent by one-time code ---------------------------------------------------------------


def _lock_bucket(person_id: int) -> str:
    return f"consent-wrong-code:person:{person_id}"


def _locked(db: Session, person_id: int) -> bool:
    return rate_limits.used(db, _lock_bucket(person_id), LOCK_TIME) >= MAX_WRONG_CODES


def _digest(secret_key: str, code: str) -> str:
    """Codes are kept as keyed hashes: a copy of the table gives no code back."""
    return hmac.new(secret_key.encode(), code.encode(), hashlib.sha256).hexdigest()


def _code_phone(db: Session, agent: Actor, person: Person, purpose: str) -> str | None:
    """Where the code goes. For deregistration in a session, the phone on file
    when the session opened: a number changed during the session, by the
    agent, must not receive the code that consents to deregistering."""
    if purpose == "session":
        return phone_on_file(db, person)
    held = db.scalar(
        select(AssistedSession).where(
            AssistedSession.agent_account_id == agent.account_id,
            AssistedSession.person_id == person.id,
            AssistedSession.ended_at.is_(None),
        )
    )
    return held.phone_at_start if held is not None else None


def send_code(db: Session, agent: Actor, person_id: int, purpose: str, secret_key: str) -> None:
    """A new 6-digit code by SMS; any earlier unused code for the same purpose stops working."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    with transaction(db):
        person = db.get(Person, person_id)
        if person is None:
            raise NotFound()
        if _locked(db, person_id):
            raise DomainError("consent_locked")
        phone = _code_phone(db, agent, person, purpose)
        if phone is None:
            raise DomainError("no_phone")
        sent = f"consent-code-sent:person:{person_id}"
        if rate_limits.take(db, sent, CODES_PER_HOUR, HOUR) is None:
            raise DomainError("too_many_codes")
        now = clock.now()
        db.execute(
            update(ConsentCode)
            .where(ConsentCode.person_id == person_id, ConsentCode.purpose == purpose,
                   ConsentCode.used_at.is_(None), ConsentCode.expires_at > now)
            .values(expires_at=now)
        )  # fmt: skip
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        db.add(ConsentCode(person_id=person_id, agent_account_id=agent.account_id, purpose=purpose,
                           code_hash=_digest(secret_key, code), created_at=now,
                           expires_at=now + CODE_LIFETIME, attempts=0))  # fmt: skip
        notify(db, "consent_code", person, household_id=None, channels=("sms",),
               payload={"code": code, "purpose": purpose, "office": agent.office or "",
                        "to_phone": phone})  # fmt: skip
        audit.record(db, agent, "consent_code_sent", subject_type="person", subject_id=person_id,
                     on_behalf_of_person_id=person_id, details={"purpose": purpose})  # fmt: skip


def _verify_code(
    db: Session, agent: Actor, person_id: int, purpose: str, code: str, secret_key: str
) -> str:
    """ "ok" (the code is now used), "wrong" (counted towards the lock), "expired" or "locked".

    In the caller's transaction: a wrong try must be committed even though
    what it was for is refused, so this returns instead of raising.
    """
    if is_postgresql(db):
        db.execute(text("SELECT pg_advisory_xact_lock(:lock, :person)"),
                   {"lock": CODE_CHECK_LOCK, "person": person_id})  # fmt: skip
    if _locked(db, person_id):
        return "locked"
    now = clock.now()
    pending = db.scalar(
        select(ConsentCode)
        .where(ConsentCode.person_id == person_id, ConsentCode.purpose == purpose,
               ConsentCode.agent_account_id == agent.account_id, ConsentCode.used_at.is_(None))
        .order_by(ConsentCode.id.desc())
        .limit(1)
        .with_for_update()
    )  # fmt: skip
    if pending is None or pending.expires_at <= now or pending.attempts >= MAX_WRONG_CODES:
        return "expired"
    typed = "".join(ch for ch in code if not ch.isspace())
    if not hmac.compare_digest(pending.code_hash, _digest(secret_key, typed)):
        pending.attempts += 1
        rate_limits.take(db, _lock_bucket(person_id), MAX_WRONG_CODES, LOCK_TIME)
        audit.record(db, agent, "consent_code_wrong", subject_type="person", subject_id=person_id,
                     on_behalf_of_person_id=person_id, details={"purpose": purpose})  # fmt: skip
        return "wrong"
    pending.used_at = now
    return "ok"


class CodeRefused(DomainError):
    """The code read out is wrong, expired or spent, or the desk is locked for this citizen."""


def _refused(outcome: str) -> CodeRefused:
    return CodeRefused(f"consent_code_{outcome}" if outcome != "locked" else "consent_locked")


def confirm_code(
    db: Session, agent: Actor, person_id: int, purpose: str, code: str, secret_key: str
) -> None:
    """A code read out for ``purpose`` (deregistration on the citizen's behalf).

    A wrong try is committed here, to count towards the lock. A right one is
    left in the open transaction, so that the code is spent only together
    with the act it consents to: the caller's use case commits both, or its
    failure rolls both back and the code still works.
    """
    try:
        outcome = _verify_code(db, agent, person_id, purpose, code, secret_key)
    except BaseException:
        db.rollback()
        raise
    if outcome != "ok":
        db.commit()
        raise _refused(outcome)


# -- assisted sessions ---------------------------------------------------------------------


def _end_expired(db: Session, now: datetime) -> None:
    db.execute(
        update(AssistedSession)
        .where(AssistedSession.ended_at.is_(None), AssistedSession.expires_at <= now)
        .values(ended_at=AssistedSession.expires_at, end_reason="expired")
    )


def _open(
    db: Session,
    agent: Actor,
    person: Person,
    minutes: int,
    consent: str,
    identity_check: dict[str, object] | None = None,
) -> AssistedSession:
    now = clock.now()
    _end_expired(db, now)
    membership = active_membership(db, person.id)
    household_id = membership.household_id if membership else None
    same = [AssistedSession.person_id == person.id]
    if household_id is not None:
        same.append(AssistedSession.household_id == household_id)
    held = db.scalar(select(AssistedSession).where(AssistedSession.ended_at.is_(None), or_(*same)))
    if held is not None and held.agent_account_id != agent.account_id:
        raise DomainError("session_held_by_other")
    # An agent serves one citizen at a time: any session of theirs still open
    # (this citizen again, or the one before) ends as this one starts.
    db.execute(
        update(AssistedSession)
        .where(AssistedSession.agent_account_id == agent.account_id,
               AssistedSession.ended_at.is_(None))
        .values(ended_at=now, end_reason="replaced")
    )  # fmt: skip
    db.flush()
    session = AssistedSession(
        agent_account_id=agent.account_id,
        office=agent.office,
        person_id=person.id,
        household_id=household_id,
        consent=consent,
        identity_check=identity_check,
        needs_supervisor_review=consent == "identity_check",
        phone_at_start=phone_on_file(db, person),
        started_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.add(session)
    db.flush()
    audit.record(db, agent, "assisted_session_opened", subject_type="assisted_session",
                 subject_id=session.id, on_behalf_of_person_id=person.id,
                 details={"consent": consent, "household": household_id,
                          "assisted_session": session.id})  # fmt: skip
    return session


def open_with_code(
    db: Session, agent: Actor, person_id: int, code: str, secret_key: str, minutes: int
) -> AssistedSession:
    """The citizen reads out the code sent to their phone: a session opens.
    A wrong code raises ``CodeRefused`` and stays counted towards the lock."""
    if not code.strip():
        raise Invalid({"code": Problem("enter_code")})  # nothing typed: no try counted
    try:
        with transaction(db):
            person = db.get(Person, person_id)
            if person is None:
                raise NotFound()
            outcome = _verify_code(db, agent, person_id, "session", code, secret_key)
            if outcome == "ok":
                return _open(db, agent, person, minutes, "code")
    except IntegrityError as error:
        raise DomainError("session_held_by_other") from error
    raise _refused(outcome)  # after the commit: a wrong try stays counted


def open_with_identity_check(
    db: Session, agent: Actor, person_id: int, check: IdentityCheck, minutes: int
) -> AssistedSession:
    """Consent without a phone: the card seen, recorded, and the session flagged.

    Not while codes are locked for the citizen (someone was guessing them),
    not more than ``IDENTITY_CHECKS_PER_DAY`` times a day per agent, and the
    phone on file, if any, is told: the person who lost it learns of it.
    """
    try:
        with transaction(db):
            person = db.get(Person, person_id)
            if person is None:
                raise NotFound()
            if _locked(db, person_id):
                raise DomainError("consent_locked")
            problems = check_identity(person.cnie, check, clock.today())
            if problems:
                raise Invalid(problems)
            checks = f"identity-check:account:{agent.account_id}"
            if rate_limits.take(db, checks, IDENTITY_CHECKS_PER_DAY, timedelta(days=1)) is None:
                raise DomainError("too_many_identity_checks")
            expires_on = card_date(check.expires_on)
            record = {"cnie_checked": True, "card_expires_on": str(expires_on),
                      "reason": check.reason, "note": check.note.strip()[:500]}  # fmt: skip
            session = _open(db, agent, person, minutes, "identity_check", record)
            if session.phone_at_start is not None:
                notify(db, "session_opened_by_card", person, household_id=None, channels=("sms",),
                       payload={"office": agent.office or "", "to_phone": session.phone_at_start,
                                "at": session.started_at.isoformat()})  # fmt: skip
            return session
    except IntegrityError as error:
        raise DomainError("session_held_by_other") from error


def active_session(db: Session, session_id: int, agent_account_id: int) -> AssistedSession | None:
    """The agent's session if it is still open; an expired one is ended now."""
    session = db.get(AssistedSession, session_id)
    if session is None or session.agent_account_id != agent_account_id or session.ended_at:
        return None
    if session.expires_at <= clock.now():
        with transaction(db):
            session.ended_at, session.end_reason = session.expires_at, "expired"
        return None
    return session


def end_session(db: Session, agent: Actor, session_id: int) -> None:
    with transaction(db):
        session = db.get(AssistedSession, session_id)
        if session is None or session.agent_account_id != agent.account_id or session.ended_at:
            return
        session.ended_at, session.end_reason = clock.now(), "agent"
        audit.record(db, agent, "assisted_session_ended", subject_type="assisted_session",
                     subject_id=session.id, on_behalf_of_person_id=session.person_id)  # fmt: skip


def end_sessions_of(db: Session, agent: Actor) -> None:
    """Every session the agent still holds ends now (they sign out)."""
    with transaction(db):
        for held in db.scalars(
            select(AssistedSession).where(
                AssistedSession.agent_account_id == agent.account_id,
                AssistedSession.ended_at.is_(None),
            )
        ):
            held.ended_at, held.end_reason = clock.now(), "signed_out"
            audit.record(db, agent, "assisted_session_ended", subject_type="assisted_session",
                         subject_id=held.id, on_behalf_of_person_id=held.person_id,
                         details={"why": "signed_out"})  # fmt: skip


def household_is_active(db: Session, person_id: int) -> bool:
    membership = active_membership(db, person_id)
    return membership is not None and membership.household.status == HouseholdStatus.ACTIVE.value
