"""Certificates (docs/domain.md, "Certificates"): issued, stored, superseded, revoked, verified.

A certificate states a few facts about a household at one data version
(its ``snapshot``). The signed PDF is made once, when issued, and its exact
bytes and SHA-256 are kept: a download serves those bytes, so the file a
school received can be compared with ours byte for byte.

- Issuing is idempotent: while the household's facts stay the same, the
  current certificate of a kind is returned again. The database holds at
  most one current certificate per kind and household.
- A certificate is superseded when the facts it states change (a declared
  change, a correction, a new score), and revoked when the household is
  deregistered (except the certificate of deregistration itself). Both
  happen in the transaction that changes the facts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db import is_postgresql, transaction
from app.domain import identifiers
from app.domain.codes import ADULT_AGE
from app.domain.declaration import born_by_for_age
from app.domain.errors import DomainError, NotFound
from app.domain.scoring.programmes import decide
from app.models import (
    Certificate,
    Household,
    HouseholdStatus,
    HouseholdVersion,
    Membership,
    Person,
    RegistrationSubmission,
)
from app.models.certificates import CERTIFICATE_KINDS
from app.services import audit
from app.services.actors import Actor
from app.services.households import active_membership
from app.services.score_overview import may_read_household
from app.services.scoring import current_score

# Makes the signed PDF of a certificate (number, kind, snapshot and dates set).
Printer = Callable[[Certificate], bytes]

# What each kind needs of the household.
ACTIVE_KINDS = ("registration_receipt", "registration", "score")


def _names(person: Person) -> dict[str, str]:
    return {
        "first_latin": person.first_name_latin,
        "last_latin": person.last_name_latin,
        "first_ar": person.first_name_ar,
        "last_ar": person.last_name_ar,
    }


def _current_version(db: Session, household: Household) -> HouseholdVersion:
    version = db.scalar(
        select(HouseholdVersion).where(
            HouseholdVersion.household_id == household.id,
            HouseholdVersion.number == household.version_number,
        )
    )
    assert version is not None
    return version


def snapshot_of(db: Session, household: Household, kind: str) -> dict[str, Any] | None:
    """The facts a certificate of this kind states today, or None if the
    household cannot have one now (e.g. no score yet, or not deregistered)."""
    declarant = db.get(Person, household.declarant_id)
    assert declarant is not None
    active = household.status == HouseholdStatus.ACTIVE.value
    base: dict[str, Any] = {
        "rsu_number": household.rsu_number,
        "declarant": _names(declarant),
        "region": household.region,
        "registered_on": household.registered_at.date().isoformat(),
    }
    if kind == "registration_receipt":
        submission = db.scalar(
            select(RegistrationSubmission).where(
                RegistrationSubmission.household_id == household.id
            )
        )
        if submission is None or submission.receipt_number is None or not active:
            return None
        first = db.scalar(
            select(HouseholdVersion).where(
                HouseholdVersion.household_id == household.id, HouseholdVersion.number == 1
            )
        )
        assert first is not None
        return {
            **base,
            # What was received: the region declared then, not today's.
            "region": first.declaration["residence"]["region"],
            "receipt_number": submission.receipt_number,
            "submitted_at": submission.submitted_at.isoformat(),
            "members": len(first.declaration["members"]),
        }
    if kind == "registration":
        if not active:
            return None
        version = _current_version(db, household)
        people = {
            p.idcs: p
            for p in db.scalars(
                select(Person).where(
                    Person.idcs.in_([m["idcs"] for m in version.declaration["members"]])
                )
            )
        }
        members = []
        for member in version.declaration["members"]:
            person = people[member["idcs"]]
            members.append(
                {
                    **_names(person),
                    "relation": member["relation"],
                    "birth_year": person.birth_date.year,
                }
            )
        return {
            **base,
            "province": version.declaration["residence"].get("province"),
            "members": members,
        }
    if kind == "score":
        score = current_score(db, household) if active else None
        if score is None:
            return None
        day = clock.today()
        return {
            **base,
            "score": str(score.value),
            "model_id": score.model_id,
            "model_effective_date": score.model.effective_date.isoformat(),
            "model_illustrative": score.model.illustrative,
            "computed_on": score.computed_at.date().isoformat(),
            "eligibility": [
                {
                    "programme": d.programme.code,
                    "rule": d.programme.rule,
                    "threshold": str(d.programme.threshold),
                    "eligible": d.eligible,
                }
                for d in decide(score.value, day)
            ],
        }
    if kind == "deregistration":
        if active or household.deregistered_at is None:
            return None
        return {**base, "deregistered_on": household.deregistered_at.date().isoformat()}
    raise ValueError(f"unknown certificate kind {kind!r}")


def _current(db: Session, household_id: int, kind: str) -> Certificate | None:
    return db.scalar(
        select(Certificate).where(
            Certificate.household_id == household_id,
            Certificate.kind == kind,
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
    )


def _new_number() -> str:
    """A number drawn from 9 × 10^18: a clash is left to the unique index (``issue``)
    rather than looked for first, a round trip on every certificate for a
    one-in-10^18 event."""
    return identifiers.certificate_number(secrets.randbelow(9 * 10**18))


NUMBER_DRAWS = 3


def issue(
    db: Session, household: Household, kind: str, actor: Actor, printer: Printer
) -> Certificate:
    """The household's current certificate of this kind, issued now if there is none
    (or if the one there states facts that are no longer true)."""
    if kind not in CERTIFICATE_KINDS:
        raise DomainError("unknown_certificate_kind")
    for draw in range(1, NUMBER_DRAWS + 1):
        try:
            with transaction(db):
                return _issue(db, household, kind, actor, printer)
        except IntegrityError as error:
            if "uq_certificates_number" in str(error.orig) and draw < NUMBER_DRAWS:
                continue  # the number drawn was taken: all was rolled back, draw again
            if "uq_certificates_current_kind" not in str(error.orig):
                raise
            # Issued at the same moment by another request: that one stands.
            existing = _current(db, household.id, kind)
            assert existing is not None
            return existing
    raise AssertionError("unreachable: the last draw returns or raises")


def _issue(
    db: Session, household: Household, kind: str, actor: Actor, printer: Printer
) -> Certificate:
    snapshot = snapshot_of(db, household, kind)
    if snapshot is None:
        raise DomainError("certificate_not_available")
    existing = _current(db, household.id, kind)
    if existing is not None:
        if existing.snapshot == snapshot:
            return existing
        existing.superseded_at = clock.now()  # stale facts: a missed change, never left valid
    now = clock.now()
    certificate = Certificate(
        number=_new_number(),
        kind=kind,
        household_id=household.id,
        version_number=household.version_number,
        snapshot=snapshot,
        issued_at=now,
        issued_by_account_id=actor.account_id,
        issued_channel=actor.channel,
    )
    content = printer(certificate)
    certificate.content = content
    certificate.sha256 = hashlib.sha256(content).hexdigest()
    db.add(certificate)
    db.flush()
    audit.record(db, actor, "certificate_issued", subject_type="certificate",
                 subject_id=certificate.number, on_behalf_of_person_id=household.declarant_id,
                 details={"kind": kind, "version": household.version_number})  # fmt: skip
    return certificate


def issued_count(db: Session, household_id: int) -> int:
    return int(db.scalar(select(func.count()).where(Certificate.household_id == household_id)) or 0)


# -- keeping them true ---------------------------------------------------------------------


def supersede_changed(db: Session, household: Household) -> int:
    """After a change (in the caller's transaction): supersede every current
    certificate whose facts are no longer true."""
    now = clock.now()
    count = 0
    for certificate in db.scalars(
        select(Certificate).where(
            Certificate.household_id == household.id,
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
    ):
        if snapshot_of(db, household, certificate.kind) != certificate.snapshot:
            certificate.superseded_at = now
            count += 1
    return count


def supersede_scores(db: Session, household_ids: list[int], at: datetime) -> None:
    """A new calculation method scored these households: their score
    certificates state an old score. One statement per rescoring chunk."""
    if not household_ids:
        return
    if is_postgresql(db):
        # One array parameter: an IN list of a chunk's 5,000 values took
        # longer for the driver to send than the update took to run.
        ids = bindparam("household_ids", household_ids, type_=ARRAY(Integer))
        matching = Certificate.household_id == any_(ids)
    else:
        matching = Certificate.household_id.in_(household_ids)
    db.execute(
        update(Certificate)
        .where(
            Certificate.kind == "score",
            matching,
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
        .values(superseded_at=at)
    )


def revoke_all(db: Session, household: Household) -> None:
    """Deregistration (in the caller's transaction): every certificate that
    vouched for the registration stops doing so."""
    db.execute(
        update(Certificate)
        .where(
            Certificate.household_id == household.id,
            Certificate.kind != "deregistration",
            Certificate.revoked_at.is_(None),
        )
        .values(revoked_at=clock.now())
    )


# -- what the household sees ---------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdCertificates:
    household: Household
    may_issue: bool  # the declarant; adult members read
    certificates: list[Certificate]
    available: list[str]  # kinds that can be issued now


def households_of(db: Session, person_id: int) -> list[tuple[Household, bool]]:
    """(household, is declarant) whose certificates the person may see: the
    household they belong to as an adult, and those they declared that were
    deregistered (their memberships ended, their certificates did not)."""
    found: list[tuple[Household, bool]] = []
    person = db.get(Person, person_id)
    membership = active_membership(db, person_id)
    if person is not None and membership is not None and may_read_household(person):
        household = membership.household
        found.append((household, household.declarant_id == person_id))
    for household in db.scalars(
        select(Household)
        .where(
            Household.declarant_id == person_id,
            Household.status == HouseholdStatus.DEREGISTERED.value,
        )
        .order_by(Household.deregistered_at.desc())
    ):
        found.append((household, True))
    return found


def for_person(db: Session, person_id: int) -> list[HouseholdCertificates]:
    result = []
    for household, is_declarant in households_of(db, person_id):
        certificates = list(
            db.scalars(
                select(Certificate)
                .where(Certificate.household_id == household.id)
                .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
            )
        )
        current = {c.kind: c for c in certificates if c.status == "valid"}
        available = [
            kind
            for kind in CERTIFICATE_KINDS
            if snapshot_of(db, household, kind) is not None
            and (kind not in current or current[kind].snapshot != snapshot_of(db, household, kind))
        ]
        result.append(HouseholdCertificates(household, is_declarant, certificates, available))
    return result


def household_for_issuing(db: Session, person_id: int, kind: str) -> Household:
    """The household whose certificate of this kind the person may issue: only its declarant."""
    for household, is_declarant in households_of(db, person_id):
        wanted_active = kind in ACTIVE_KINDS
        if is_declarant and (household.status == HouseholdStatus.ACTIVE.value) == wanted_active:
            return household
    raise DomainError("not_declarant")


@dataclass(frozen=True)
class StoredPdf:
    kind: str
    content: bytes


def download_for_person(db: Session, person_id: int, number: str) -> StoredPdf:
    """The stored bytes of a certificate the person may see, in one query.

    The same rule as ``households_of``, in SQL: the household the person
    belongs to as an adult, or a deregistered household they declared. Any
    other certificate is "not found", exactly like one that does not exist.
    """
    adult_born_by = born_by_for_age(ADULT_AGE, clock.today())
    member_as_adult = (
        select(Membership.id)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.household_id == Certificate.household_id,
            Membership.person_id == person_id,
            Membership.ended_at.is_(None),
            Person.birth_date <= adult_born_by,
        )
        .correlate(Certificate)
        .exists()
    )
    their_deregistered = (
        select(Household.id)
        .where(
            Household.id == Certificate.household_id,
            Household.declarant_id == person_id,
            Household.status == HouseholdStatus.DEREGISTERED.value,
        )
        .correlate(Certificate)
        .exists()
    )
    row = db.execute(
        select(Certificate.kind, Certificate.content).where(
            Certificate.number == number, member_as_adult | their_deregistered
        )
    ).first()
    if row is None:
        raise NotFound()
    return StoredPdf(row.kind, bytes(row.content))
