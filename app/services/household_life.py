"""A registered household's life: declared changes, yearly confirmation, deregistration.

Rules (docs/domain.md, "Declaring a change", "Deregistration"):
- what each kind of change does is one table, ``declared_changes.CHANGES``;
- each accepted change makes a new, immutable version of the data and a
  new score, with an audit record, in one transaction;
- a change states the version it was based on: if the household changed
  meanwhile (another tab, a counter agent), it is refused, never merged;
- a member who leaves is released at once and may join or found another
  household;
- the declarant confirms the data at least once a year; if nothing changed,
  confirming is one action and makes no new score;
- deregistration ends every membership, and the score stops counting for
  any programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.domain import changes
from app.domain.codes import ADULT_AGE
from app.domain.declaration import age_on
from app.domain.errors import DomainError, Forbidden, Invalid, Problem
from app.models import (
    ChangeSubmission,
    Household,
    HouseholdStatus,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
    Person,
)
from app.services import audit, certificates, counter
from app.services.actors import Actor
from app.services.declared_changes import Asked, NewDeclaration, new_declaration
from app.services.households import active_membership, members_of
from app.services.scoring import score_version

CONFIRMATION_PERIOD = timedelta(days=365)


class HouseholdChanged(DomainError):
    """The household changed after the form was opened (optimistic lock)."""

    code = "household_changed"


# -- who may see and change -----------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    person: Person
    household: Household

    @property
    def is_declarant(self) -> bool:
        return self.household.declarant_id == self.person.id


def reader_of_household(db: Session, person_id: int) -> Reader:
    """The household an adult member may read. Children may not (docs/domain.md)."""
    person = db.get(Person, person_id)
    membership = active_membership(db, person_id) if person else None
    if person is None or membership is None:
        raise DomainError("no_household")
    if age_on(person.birth_date, clock.today()) < ADULT_AGE:
        raise Forbidden()
    return Reader(person, membership.household)


def declarant_of_household(db: Session, person_id: int) -> Reader:
    """Only the declarant changes the household's data."""
    reader = reader_of_household(db, person_id)
    if not reader.is_declarant:
        raise DomainError("not_declarant")
    return reader


def current_version(db: Session, household: Household) -> HouseholdVersion:
    version = db.scalar(
        select(HouseholdVersion).where(
            HouseholdVersion.household_id == household.id,
            HouseholdVersion.number == household.version_number,
        )
    )
    assert version is not None
    return version


@dataclass(frozen=True)
class Conflict:
    """What changed in the household since the version a form was built from."""

    latest: HouseholdVersion
    base: HouseholdVersion | None
    differences: list[changes.Difference]

    @property
    def declarations(self) -> list[dict[str, Any]]:
        return [self.latest.declaration, *([self.base.declaration] if self.base else [])]


def conflict_since(db: Session, household: Household, base_number: int) -> Conflict:
    latest = current_version(db, household)
    base = db.scalar(
        select(HouseholdVersion).where(
            HouseholdVersion.household_id == household.id, HouseholdVersion.number == base_number
        )
    )
    differences = changes.compare(base.declaration, latest.declaration) if base else []
    return Conflict(latest, base, differences)


def confirmation_due(household: Household, last_version_at: datetime) -> date:
    """One year after the last version or the last confirmation, whichever is later."""
    latest = max(last_version_at, household.confirmed_at or last_version_at)
    return (latest + CONFIRMATION_PERIOD).date()


# -- declaring a change -----------------------------------------------------------------


@dataclass(frozen=True)
class ChangeForm:
    """What the person sent: the kind of change, the version it was based on,
    its single-use key, and the answers (raw, as typed)."""

    kind: str
    base_version: int
    submission_key: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class Applied:
    household_id: int
    version_number: int


def _made_by(actor: Actor) -> str:
    if actor.kind == "staff":
        return "reviewer" if actor.channel == "backoffice" else "agent"
    return "declarant"


def done_change(db: Session, household_id: int, submission_key: str) -> Applied | None:
    """What this household's form with this key made, if it was sent before.

    Looked up within the household only: a key never finds another
    household's change."""
    done = db.scalar(
        select(ChangeSubmission).where(
            ChangeSubmission.household_id == household_id,
            ChangeSubmission.submission_key == submission_key,
        )
    )
    return Applied(done.household_id, done.version_number) if done is not None else None


def declare_change(db: Session, person_id: int, actor: Actor, form: ChangeForm) -> Applied:
    """Apply one declared change: a new version, its score and the audit record, together.

    The same submission key again, in sequence or at the same moment, gives
    the first result. A change based on a version that is no longer current
    raises ``HouseholdChanged``. Keys are issued by the server: an empty one
    is refused, never taken for an earlier change.
    """
    if not form.submission_key:
        raise DomainError("stale_form")
    household_id = declarant_of_household(db, person_id).household.id
    done = done_change(db, household_id, form.submission_key)
    if done is not None:
        return done
    try:
        with transaction(db):
            return apply_change(db, person_id, actor, form)
    except IntegrityError as error:
        done = done_change(db, household_id, form.submission_key)
        if done is not None:  # the same form, sent twice at once
            return done
        if "uq_memberships_active_person" in str(error.orig):
            raise DomainError("member_in_other_household") from error
        if "pk_change_submissions" in str(error.orig):  # the key of another household's form
            raise DomainError("stale_form") from error
        raise


def _locked_household(db: Session, household_id: int) -> Household:
    household = db.scalar(
        select(Household)
        .where(Household.id == household_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert household is not None
    return household


def preview_change(db: Session, person_id: int, actor: Actor, form: ChangeForm) -> dict[str, Any]:
    """The declaration the change would make, checked by the same rules; nothing is written."""
    household = declarant_of_household(db, person_id).household
    if household.status != HouseholdStatus.ACTIVE.value:
        raise DomainError("deregistered")
    if household.version_number != form.base_version:
        raise HouseholdChanged(current=household.version_number)
    before = current_version(db, household)
    asked = Asked(db, actor.account_id or 0, before.declaration, form.answers, clock.today())
    return new_declaration(form.kind, asked).declaration


def apply_change(db: Session, person_id: int, actor: Actor, form: ChangeForm) -> Applied:
    """The change itself, in the caller's transaction (a reviewer's correction
    is applied inside the review's decision)."""
    reader = declarant_of_household(db, person_id)
    household = _locked_household(db, reader.household.id)
    # Once the lock is ours, a twin of this form sent at the same moment has
    # committed: its result is the answer, not a conflict with it.
    done = done_change(db, household.id, form.submission_key)
    if done is not None:
        return done
    if household.status != HouseholdStatus.ACTIVE.value:
        raise DomainError("deregistered")
    if household.version_number != form.base_version:
        raise HouseholdChanged(current=household.version_number)
    now = clock.now()
    before = current_version(db, household)
    asked = Asked(db, actor.account_id or 0, before.declaration, form.answers, now.date())
    after = new_declaration(form.kind, asked)
    version = _new_version(db, household, after, form.kind, actor, before.declaration, now)
    score_version(db, household, version, "review" if actor.channel == "backoffice" else "change")
    certificates.supersede_changed(db, household)
    db.add(ChangeSubmission(submission_key=form.submission_key, household_id=household.id,
                            version_number=version.number, created_at=now))  # fmt: skip
    audit.record(db, actor, "household_changed", subject_type="household",
                 subject_id=household.id, on_behalf_of_person_id=person_id,
                 details={"kind": form.kind, "version": version.number})  # fmt: skip
    return Applied(household.id, version.number)


def _new_version(
    db: Session,
    household: Household,
    after: NewDeclaration,
    event: str,
    actor: Actor,
    before: dict[str, Any],
    now: datetime,
) -> HouseholdVersion:
    """The next version, its members, and the memberships that start or end with it."""
    declaration = after.declaration
    version = HouseholdVersion(household=household, number=household.version_number + 1,
                               declaration=declaration, event=event, made_by=_made_by(actor),
                               made_by_account_id=actor.account_id, created_at=now)  # fmt: skip
    db.add(version)
    people = _person_ids(db, before, declaration)
    for position, member in enumerate(declaration["members"]):
        db.add(HouseholdVersionMember(version=version, person_id=people[member["idcs"]],
                                      position=position, relation=member["relation"]))  # fmt: skip
    for joining_id, relation in after.joining:
        db.add(
            Membership(household=household, person_id=joining_id, relation=relation, started_at=now)
        )
    for idcs, reason in after.leaving:
        db.execute(
            update(Membership)
            .where(Membership.household_id == household.id,
                   Membership.person_id == people[idcs], Membership.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        )  # fmt: skip
    household.version_number = version.number
    household.region = declaration["residence"]["region"]
    return version


def _person_ids(db: Session, *declarations: dict[str, Any]) -> dict[str, int]:
    """Person ids of every member of these declarations, by IDCS, in one query."""
    return {idcs: person.id for idcs, person in members_of(db, *declarations).items()}


# -- yearly confirmation and deregistration -----------------------------------------------


def confirm_data(db: Session, person_id: int, actor: Actor) -> Household:
    """The declarant says nothing changed: recorded, with no new version and no new score."""
    with transaction(db):
        household = declarant_of_household(db, person_id).household
        household.confirmed_at = clock.now()
        audit.record(db, actor, "household_data_confirmed", subject_type="household",
                     subject_id=household.id, on_behalf_of_person_id=person_id)  # fmt: skip
        return household


@dataclass(frozen=True)
class CodeReadOut:
    """At a counter, the citizen's consent to one act: the fresh code they read out."""

    code: str
    secret_key: str


def deregister(
    db: Session,
    person_id: int,
    actor: Actor,
    *,
    understood: bool,
    consent: CodeReadOut | None = None,
) -> Household:
    """Remove the household from the register: memberships end, eligibility ends.

    The declarant must say they understood what it means. At a counter
    (``consent``), the citizen's code is spent in this same transaction: the
    code and the deregistration both hold, or neither does. A wrong code
    raises ``counter.CodeRefused`` and stays counted towards the lock."""
    if not understood:
        raise Invalid({"understood": Problem("confirm_deregistration")})
    if consent is not None:
        counter.confirm_code(
            db, actor, person_id, "deregistration", consent.code, consent.secret_key
        )
    with transaction(db):
        household = _locked_household(db, declarant_of_household(db, person_id).household.id)
        now = clock.now()
        household.status = HouseholdStatus.DEREGISTERED.value
        household.deregistered_at = now
        db.execute(
            update(Membership)
            .where(Membership.household_id == household.id, Membership.ended_at.is_(None))
            .values(ended_at=now, end_reason="deregistration")
        )
        certificates.revoke_all(db, household)
        audit.record(db, actor, "household_deregistered", subject_type="household",
                     subject_id=household.id, on_behalf_of_person_id=person_id)  # fmt: skip
        return household
