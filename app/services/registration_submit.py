"""Submitting a registration: the household, its first version, its score and a receipt.

docs/domain.md, "Registration"; decree 2-21-582 art. 1: every request gets a
receipt. All is written in one transaction or nothing is, and a submission
key gives the same receipt however many times it is sent. The draft it comes
from is ``registration``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, delete, insert, literal, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db import is_postgresql, parameters, prefixed, send, table_of, transaction
from app.domain.codes import ADULT_AGE
from app.domain.declaration import age_on, member_entry
from app.domain.errors import DomainError, Invalid
from app.domain.scoring import ScoringModel
from app.domain.validation import Problem
from app.models import Household, Membership, Person, RegistrationDraft, RegistrationSubmission
from app.services import audit
from app.services.actors import Actor
from app.services.household_store import (
    NewHousehold,
    loaded_household,
    new_household_values,
    new_household_writes,
    next_household_id,
    next_household_id_expression,
    write_household_apart,
)
from app.services.registration import (
    MEMBER_PERSONS,
    DraftView,
    find_draft,
    registration_blocker,
    view_draft,
)
from app.services.scoring import (
    ACTIVE_MODEL,
    active_model,
    model_by_hash,
    score_insert,
    score_values,
)


@dataclass(frozen=True)
class Receipt:
    number: str
    household: Household
    submitted_at: Any


def receipt_number(household_id: int, year: int) -> str:
    return f"REC-{year}-{household_id:08d}"


def declaration_of(view: DraftView, today: date) -> dict[str, Any]:
    """The declaration this draft would submit."""
    members = []
    for member in view.members:
        person = member.person
        assert person.idcs is not None
        members.append(
            member_entry(person.idcs, person.sex, person.birth_date, member.details.values)
        )
    equipment = {k: v for k, v in view.checks["equipment"].values.items()}
    return {
        "as_of": today.isoformat(),
        "residence": view.checks["residence"].values,
        "members": members,
        "housing": view.checks["housing"].values,
        "assets": equipment,
        "spending": view.checks["spending"].values,
    }


def _existing_receipt(db: Session, person_id: int, submission_key: str) -> Receipt | None:
    """The receipt this declarant got for this key, if any: another person's
    key never finds theirs."""
    submission = db.get(RegistrationSubmission, submission_key)
    if (
        submission is None
        or submission.person_id != person_id
        or submission.household_id is None
        or submission.receipt_number is None
    ):
        return None
    household = db.get(Household, submission.household_id)
    assert household is not None
    return Receipt(submission.receipt_number, household, submission.submitted_at)


def _constraint(error: IntegrityError) -> str:
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return str(name or error.orig)


def _ready_to_declare(view: DraftView, *, honour: bool, consent: bool) -> DraftView:
    """The draft, complete, declared on one's honour and consented to."""
    if not view.ready:
        raise DomainError("draft_incomplete", statuses=view.statuses)
    problems: dict[str, Problem] = {}
    if not honour:
        problems["honour"] = Problem("confirm_honour")
    if not consent:
        problems["consent"] = Problem("confirm_consent")
    if problems:
        raise Invalid(problems)
    return view


def _draft_query() -> Select[RegistrationDraft, Person, int, str, str]:
    in_force = ACTIVE_MODEL.subquery()
    drafts = table_of(RegistrationDraft)
    # Taken once, and only for the draft this key was given for: a stale or
    # repeated submit takes no id. (An id taken by a submit refused later, an
    # incomplete draft say, is never used: a gap, as after any rollback.)
    reserved = (
        select(next_household_id_expression().label("household_id"),
               in_force.c.id.label("model_id"), in_force.c.sha256)
        .select_from(drafts.join(in_force, true()))
        .where(drafts.c.person_id == bindparam("person_id", type_=Integer),
               drafts.c.submission_key == bindparam("submission_key", type_=String))
        .cte("reserved")
    )  # fmt: skip
    return (
        select(RegistrationDraft, Person, reserved.c.household_id, reserved.c.model_id,
               reserved.c.sha256)
        .select_from(RegistrationDraft)
        .outerjoin(reserved, true())
        .outerjoin(Person, MEMBER_PERSONS)
        .where(RegistrationDraft.person_id == bindparam("person_id", type_=Integer))
    )  # fmt: skip


# Built once (docs/architecture.md, "Conventions").
_DRAFT = _draft_query()


@dataclass(frozen=True)
class _Found:
    """The declarant's draft, checked, and what its submission needs from the
    database: the new household's id and the model in force (PostgreSQL)."""

    view: DraftView
    household_id: int | None = None
    model: ScoringModel | None = None


def _found_draft(db: Session, person_id: int, submission_key: str, now: datetime) -> _Found | None:
    """The declarant's draft with its members' persons and, if this key is
    the draft's, the household's id and the model in force ``now``, in
    one round trip on PostgreSQL.

    The model's id and hash are read on every submit (a model published from
    another node counts at once); only its parsing is kept per process
    (``scoring.model_by_hash``).
    """
    if not is_postgresql(db):
        draft = find_draft(db, person_id)
        return _Found(view_draft(db, draft)) if draft is not None else None
    values = {"person_id": person_id, "submission_key": submission_key, "day": now.date()}
    rows = db.execute(_DRAFT, values).all()
    if not rows or rows[0][0].expires_at <= now:
        return None  # none, or expired (as in find_draft)
    draft, _, household_id, model_id, sha256 = rows[0]
    view = view_draft(db, draft, {row[1].id: row[1] for row in rows if row[1] is not None})
    if household_id is None:
        return _Found(view)
    return _Found(view, int(household_id), model_by_hash(db, model_id, sha256))


def _id_and_model(db: Session, found: _Found, day: date) -> tuple[int, ScoringModel]:
    """The new household's id and the model in force: read with the draft on
    PostgreSQL, in the transaction on SQLite."""
    if found.household_id is not None and found.model is not None:
        return found.household_id, found.model
    if is_postgresql(db):  # the draft's key matched, so no model was in force
        raise DomainError("no_scoring_model")
    return next_household_id(db), active_model(db, day)


_RECEIPT_COLUMNS = ["submission_key", "person_id", "submitted_at", "household_id", "receipt_number"]
# The draft held personal data nobody needs any more.
_GONE_DRAFT = delete(table_of(RegistrationDraft)).where(
    table_of(RegistrationDraft).c.id == bindparam("draft_id", type_=Integer)
)


def _registration_write() -> Select[int]:
    """Every row of a registration in one statement, one round trip: a
    conflict in any of them (the receipt's key, an active membership) fails
    it whole."""
    version, household_writes = new_household_writes()
    receipts = table_of(RegistrationSubmission)
    return select(version.c.id).add_cte(
        *household_writes,
        score_insert(select(version.c.id).scalar_subquery()).cte("new_score"),
        insert(receipts)
        .values(parameters(receipts, _RECEIPT_COLUMNS, "receipt_"))
        .cte("new_receipt"),
        _GONE_DRAFT.cte("gone_draft"),
    )


# Built once (docs/architecture.md, "Conventions").
_REGISTRATION_WRITE = _registration_write()


def submit_registration(
    db: Session,
    person_id: int,
    submission_key: str,
    *,
    honour: bool,
    consent: bool,
    actor: Actor,
) -> Receipt:
    """Register the household in one transaction, or nothing at all.

    The household and its RSU number, version 1, the memberships, the score,
    the receipt and the audit record are written together. The submission key
    is the receipt's primary key: of two concurrent submissions with the same
    key, the second waits on it (or on the same members' memberships), fails,
    rolls back everything it wrote, and returns the first one's receipt.
    """
    now = clock.now()
    found = _found_draft(db, person_id, submission_key, now)
    if found is None or found.view.draft.submission_key != submission_key:
        # A successful submission deletes its draft: a resubmission of the
        # same key (double click, back button, network retry) lands here.
        existing = _existing_receipt(db, person_id, submission_key)
        if existing is not None:
            return existing
        raise DomainError("stale_form")
    view = _ready_to_declare(found.view, honour=honour, consent=consent)
    draft = view.draft
    try:
        with transaction(db):
            declarant = db.get(Person, person_id)
            assert declarant is not None
            if not declarant.in_rnp or age_on(declarant.birth_date, now.date()) < ADULT_AGE:
                raise DomainError(registration_blocker(db, declarant) or "not_in_rnp")
            # Someone who already belongs to a household is refused by the
            # active-membership index when the memberships are written (below).
            members = [(m.person.id, str(m.details.values["relation"])) for m in view.members]
            household_id, model = _id_and_model(db, found, now.date())
            declaration = declaration_of(view, now.date())
            number = receipt_number(household_id, now.year)
            receipt_row = {"submission_key": submission_key, "person_id": person_id,
                           "submitted_at": now, "household_id": household_id,
                           "receipt_number": number}  # fmt: skip
            new = NewHousehold(household_id, person_id, declaration, members, actor,
                               "agent" if actor.kind == "staff" else "declarant")  # fmt: skip
            score = score_values(household_id, declaration, model, "registration")
            if is_postgresql(db):
                row, household_values = new_household_values(new)
                send(
                    db,
                    _REGISTRATION_WRITE,
                    {**household_values, **score, **prefixed(receipt_row, "receipt_"),
                     "draft_id": draft.id},
                ).scalar_one()  # fmt: skip
            else:  # SQLite (make run): the same rows, a statement each
                row, version_id = write_household_apart(db, new)
                db.execute(score_insert(literal(version_id, Integer)), score)
                db.execute(insert(table_of(RegistrationSubmission)), receipt_row)
                db.execute(_GONE_DRAFT, {"draft_id": draft.id})
            db.expunge(draft)
            household = loaded_household(db, row)
            # After the write, in two round trips of its own: sent within the
            # write's statement, the record would need the chain's head, so its
            # lock, before the write, and every audited act on the portal
            # would wait for this write too. Measured (issue 15, bench/
            # registration.py, runs interleaved): 136-160 submits/s that way,
            # 172-181 this way.
            audit.record(db, actor, "household_registered", subject_type="household",
                         subject_id=household.id, on_behalf_of_person_id=person_id,
                         details={"receipt": number})  # fmt: skip
            return Receipt(number, household, now)
    except IntegrityError as error:
        # Whatever collided first (the receipt, or a membership of the same
        # people), an identical submission that won the race is the answer.
        receipt = _existing_receipt(db, person_id, submission_key)
        if receipt is not None:
            return receipt
        if "uq_memberships_active_person" in _constraint(error):
            if person_id in already_members(db, [person_id]):
                raise DomainError("already_registered") from error
            raise DomainError("member_in_other_household") from error
        raise


def already_members(db: Session, person_ids: list[int]) -> set[int]:
    """Those of these people who already belong to a registered household."""
    return set(
        db.scalars(
            select(Membership.person_id).where(
                Membership.person_id.in_(person_ids), Membership.ended_at.is_(None)
            )
        )
    )


def latest_receipt(db: Session, person_id: int) -> Receipt | None:
    submission = db.scalar(
        select(RegistrationSubmission)
        .where(
            RegistrationSubmission.person_id == person_id,
            RegistrationSubmission.household_id.is_not(None),
        )
        .order_by(RegistrationSubmission.submitted_at.desc())
        .limit(1)
    )
    return _existing_receipt(db, person_id, submission.submission_key) if submission else None
