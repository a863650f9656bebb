"""Signing in: from a verified national-ID login to an account, a person or a staff member."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.domain.errors import DomainError, Invalid
from app.domain.identity_claims import ClaimNames
from app.domain.offices import offices_by_code
from app.domain.validation import Problem, normalize_phone
from app.integrations.identity import VerifiedIdentity
from app.integrations.population_register import population_register
from app.models import Account, Person, SpentLoginState, StaffRole, StaffUser
from app.services import audit
from app.services.actors import Actor

# Longer than any login may stay pending (app/web/auth/pending_logins.py):
# after that, its state can no longer be presented, spent or not.
SPENT_STATES_KEPT = timedelta(hours=1)


def _spend_login_state(db: Session, state: str) -> None:
    """A provider's answer signs in once (see ``SpentLoginState``).

    The primary key decides between two copies of one answer racing: the
    second waits for the first's commit, then fails here, before it writes
    anything.
    """
    now = clock.now()
    db.execute(delete(SpentLoginState).where(SpentLoginState.spent_at < now - SPENT_STATES_KEPT))
    db.add(SpentLoginState(state_hash=hashlib.sha256(state.encode()).hexdigest(), spent_at=now))
    try:
        db.flush()
    except IntegrityError as error:
        raise DomainError("login_already_used") from error


def staff_roles_in(claims: dict[str, Any], claim: str) -> list[str]:
    """Known staff roles in the roles claim (a list, or a space-separated string)."""
    raw = claims.get(claim) or []
    values = raw.split() if isinstance(raw, str) else list(raw)
    known = {role.value for role in StaffRole}
    return sorted({str(v) for v in values} & known)


def office_claimed(claims: dict[str, Any], claim: str, roles: list[str]) -> str | None:
    """The staff member's office code (app/data/offices.json). Counter staff
    must carry a known one: their acts are recorded with it, and supervisors
    see sessions by the province it lies in."""
    code = str(claims.get(claim) or "")
    if code in offices_by_code():
        return code
    counter_roles = {StaffRole.COUNTER_AGENT.value, StaffRole.COUNTER_SUPERVISOR.value}
    if counter_roles & set(roles):
        raise DomainError("unknown_office")
    return None


def _birth_date(claims: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(claims.get("birthdate")))
    except ValueError:
        return None


def _person_outside_rnp(db: Session, claims: dict[str, Any], cnie: str) -> Person:
    """The person a CNIE login describes, when the RNP does not know them yet.

    They may not declare a household, but they get an account and a guide to
    the RNP. Their row is refreshed from the claims at each login (names,
    birth date, sex, phone: see app/domain/identity_claims.py).
    """
    birth_date = _birth_date(claims)
    if birth_date is None:
        raise DomainError("identity_claims_incomplete")
    person = db.scalar(select(Person).where(Person.cnie == cnie))
    if person is None:
        person = Person(cnie=cnie, in_rnp=False)
        db.add(person)
    person.first_name_latin = str(claims.get("given_name") or "")
    person.last_name_latin = str(claims.get("family_name") or "")
    person.first_name_ar = str(claims.get("given_name#ar") or person.first_name_latin)
    person.last_name_ar = str(claims.get("family_name#ar") or person.last_name_latin)
    person.birth_date = birth_date
    person.sex = "F" if claims.get("gender") == "female" else "M"
    # With no RNP record behind them, the provider's number is the only one
    # the portal has to reach them (codes, notices).
    person.phone = normalize_phone(str(claims.get("phone_number") or ""))
    return person


def sign_in(db: Session, identity: VerifiedIdentity, names: ClaimNames) -> Account:
    """Record a verified login. The account key is (issuer, subject).

    Staff are recognised by the roles claim; citizens are linked to the RNP
    by the IDCS claim, or else the CNIE claim. One transaction, audited, in
    which the login's state is spent: one answer from the provider signs in
    once.
    """
    claims = identity.claims
    now = clock.now()
    with transaction(db):
        _spend_login_state(db, identity.state)
        account = db.scalar(
            select(Account).where(
                Account.issuer == identity.issuer, Account.subject == identity.subject
            )
        )
        if account is None:
            account = Account(
                issuer=identity.issuer, subject=identity.subject, created_at=now, last_login_at=now
            )
            db.add(account)
        account.last_login_at = now

        roles = staff_roles_in(claims, names.roles)
        if roles:
            staff = account.staff or StaffUser(account=account)
            staff.display_name = str(claims.get("name") or identity.subject)
            staff.office = office_claimed(claims, names.office, roles)
            staff.roles = roles
            staff.active = True
            db.add(staff)
            kind = "staff"
        else:
            if account.staff is not None:
                account.staff.active = False  # the provider no longer says they are staff
            register = population_register(db)
            idcs = str(claims.get(names.idcs) or "")
            cnie = str(claims.get(names.cnie) or "").strip().upper()
            found = register.lookup_idcs(idcs) if idcs else None
            if found is None and cnie:
                found = register.find_by_cnie(cnie)
            if found is not None:
                account.person_id = found.person_id
            elif cnie:
                account.person = _person_outside_rnp(db, claims, cnie)
            else:
                raise DomainError("identity_claims_incomplete")
            kind = "citizen"

        db.flush()
        actor = Actor(kind, account.id, account.person_id, "online", account.person_id)
        audit.record(db, actor, "login", subject_type="account", subject_id=account.id)
    return account


MESSAGE_LANGUAGES = ("ar", "fr")


def set_message_language(db: Session, actor: Actor, language: str) -> None:
    """The language of the person's SMS and emails, as they chose it on /me.

    Only this explicit choice changes it: switching the page language (a GET
    with ``?lang=``) changes the browser's cookie, never what is stored.
    """
    if language not in MESSAGE_LANGUAGES:
        raise Invalid({"language": Problem("choose")})
    with transaction(db):
        account = db.get(Account, actor.account_id)
        if account is None or account.preferred_locale == language:
            return
        account.preferred_locale = language
        audit.record(db, actor, "message_language_chosen", subject_type="account",
                     subject_id=account.id, details={"language": language})  # fmt: skip


def staff_of(db: Session, account_ids: set[int]) -> dict[int, StaffUser]:
    """Staff members by account id: their names are shown beside their acts."""
    if not account_ids:
        return {}
    rows = db.scalars(select(StaffUser).where(StaffUser.account_id.in_(account_ids)))
    return {staff.account_id: staff for staff in rows}


def staff_name(db: Session, account_id: int) -> str:
    """A staff member's name as citizens read it on /privacy ("—" if unknown)."""
    staff = staff_of(db, {account_id}).get(account_id)
    return staff.display_name if staff else "—"
