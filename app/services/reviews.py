"""Review requests (DOMAIN.md, "Review request").

The declarant contests the score with a reason, an explanation and up to 5
documents. A reviewer takes the request, looks at the household's data and
its score, and decides with a written reason: the score is upheld, or the
data is corrected, which makes a new version and a new score.

A correction that would change the household's eligibility for any
programme takes effect only when a second reviewer approves it (four eyes).

Every time staff open a household's data, an access record is written: the
citizen sees them on the privacy page.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app import clock
from app.db import transaction
from app.domain import changes, uploads
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.input_rules import DECISION_REASON_MAX, EXPLANATION_MAX
from app.domain.scoring import compute_score
from app.domain.scoring.programmes import programmes_in_force
from app.domain.validation import Problem
from app.integrations.document_store import DocumentStore
from app.integrations.virus_scanner import VirusScanner
from app.models import (
    Household,
    HouseholdStatus,
    HouseholdVersion,
    Person,
    StaffUser,
)
from app.models.reviews import OPEN_STATUSES, REVIEW_REASONS, ReviewDocument, ReviewRequest
from app.services import audit, household_life
from app.services.accounts import staff_of
from app.services.actors import Actor
from app.services.outbox import notify
from app.services.score_overview import ScoreOverview, household_overview
from app.services.scoring import active_model, current_score

DUE_SOON = timedelta(days=7)


# -- filing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """What the declarant sent: files as (name as sent, bytes)."""

    reason: str
    explanation: str
    submission_key: str
    files: list[tuple[str, bytes]] = field(default_factory=list)


def check_filing(
    filing: Filing, scanner: VirusScanner
) -> tuple[dict[str, Problem], list[uploads.AcceptedFile]]:
    """The problems with a filing, by field, and its files as they will be stored."""
    problems: dict[str, Problem] = {}
    if filing.reason not in REVIEW_REASONS:
        problems["reason"] = Problem("choose")
    explanation = filing.explanation.strip()
    if not explanation:
        problems["explanation"] = Problem("enter_explanation")
    elif len(explanation) > EXPLANATION_MAX:
        problems["explanation"] = Problem("too_long", {"max": EXPLANATION_MAX})
    accepted, problem = uploads.check_files(filing.files)
    infected = next((f for f in accepted if not scanner.is_clean(f.content)), None)
    if problem is None and infected is not None:
        problem = Problem("file_infected", {"name": infected.name})
    if problem is not None:
        problems["documents"] = problem
    return problems, accepted


def open_review(db: Session, household_id: int) -> ReviewRequest | None:
    return db.scalar(
        select(ReviewRequest).where(
            ReviewRequest.household_id == household_id, ReviewRequest.status.in_(OPEN_STATUSES)
        )
    )


@dataclass(frozen=True)
class Asking:
    """A declarant about to file a request: their household, and the request
    already open for it, if any (one at a time)."""

    household_id: int
    open_review: ReviewRequest | None

    @property
    def key_kind(self) -> str:
        """What the form's submission keys are bound to."""
        return f"review:{self.household_id}"


def asking(db: Session, person_id: int) -> Asking:
    household = household_life.declarant_of_household(db, person_id).household
    return Asking(household.id, open_review(db, household.id))


def filed_with_key(db: Session, household_id: int, submission_key: str) -> ReviewRequest | None:
    """The household's request filed with this key, if any (never another household's)."""
    return db.scalar(
        select(ReviewRequest).where(
            ReviewRequest.household_id == household_id,
            ReviewRequest.submission_key == submission_key,
        )
    )


def file_review(
    db: Session,
    person_id: int,
    actor: Actor,
    filing: Filing,
    store: DocumentStore,
    scanner: VirusScanner,
    due_days: int,
) -> ReviewRequest:
    """File a review for the person's household. The same submission key again,
    in sequence or at the same moment, gives the first request; a second open
    request is refused. Keys are issued by the server: an empty one is refused.
    Files are checked whole and scanned before anything is stored (``uploads``)."""
    if not filing.submission_key:
        raise DomainError("stale_form")
    household = household_life.declarant_of_household(db, person_id).household
    done = filed_with_key(db, household.id, filing.submission_key)
    if done is not None:
        return done
    if household.status != HouseholdStatus.ACTIVE.value:
        raise DomainError("deregistered")
    problems, accepted = check_filing(filing, scanner)
    if problems:
        raise Invalid(problems)
    existing = open_review(db, household.id)
    if existing is not None:
        if existing.submission_key == filing.submission_key:
            return existing  # its twin, sent at the same moment, was recorded first
        raise DomainError("review_open", number=existing.number)

    # Bytes first, outside the transaction; removed again if the request is not recorded.
    stored = [store.save(file.content) for file in accepted]
    try:
        with transaction(db):
            review = _record_filing(
                db, household, person_id, actor, filing, accepted, stored, due_days
            )
            return review
    except IntegrityError as error:
        for name in stored:
            store.delete(name)
        done = filed_with_key(db, household.id, filing.submission_key)
        if done is not None:  # the same form, sent twice at once
            return done
        if "uq_review_requests_open_household" in str(error.orig):
            raise DomainError("review_open") from error
        if "uq_review_requests_submission_key" in str(error.orig):
            raise DomainError("stale_form") from error  # the key of another household's form
        raise
    except BaseException:
        for name in stored:
            store.delete(name)
        raise


def _record_filing(
    db: Session,
    household: Household,
    person_id: int,
    actor: Actor,
    filing: Filing,
    accepted: list[uploads.AcceptedFile],
    stored: list[str],
    due_days: int,
) -> ReviewRequest:
    now = clock.now()
    score = current_score(db, household)
    review = ReviewRequest(
        # A placeholder until the id is known: the number is built from it.
        number=f"pending-{secrets.token_hex(8)}",
        submission_key=filing.submission_key,
        household_id=household.id,
        filed_by_person_id=person_id,
        filed_by_account_id=actor.account_id,
        reason=filing.reason,
        explanation=filing.explanation.strip(),
        contested_score_id=score.id if score else None,
        status="submitted",
        submitted_at=now,
        due_on=now.date() + timedelta(days=due_days),
    )
    db.add(review)
    db.flush()
    review.number = f"REV-{now.year}-{review.id:06d}"
    for file, storage_name in zip(accepted, stored, strict=True):
        db.add(
            ReviewDocument(
                review=review,
                storage_name=storage_name,
                original_name=file.name,
                content_type=file.file_type.content_type,
                size=len(file.content),
                sha256=hashlib.sha256(file.content).hexdigest(),
                uploaded_at=now,
            )
        )
    audit.record(db, actor, "review_filed", subject_type="review", subject_id=review.number,
                 on_behalf_of_person_id=person_id,
                 details={"reason": filing.reason, "documents": len(stored)})  # fmt: skip
    declarant = db.get(Person, household.declarant_id)
    assert declarant is not None
    notify(db, "review_filed", declarant, household_id=household.id,
           payload={"number": review.number, "due_on": review.due_on.isoformat()})  # fmt: skip
    return review


# -- what the household sees --------------------------------------------------------------


def reviews_of_household(db: Session, household_id: int) -> list[ReviewRequest]:
    return list(
        db.scalars(
            select(ReviewRequest)
            .where(ReviewRequest.household_id == household_id)
            .order_by(ReviewRequest.id.desc())
        )
    )


def review_for_member(db: Session, person_id: int, number: str) -> ReviewRequest:
    """A review of the person's own household (adult members). Another
    household's review is "not found", exactly like one that does not exist."""
    try:
        reader = household_life.reader_of_household(db, person_id)
    except DomainError as error:
        raise NotFound() from error
    review = db.scalar(select(ReviewRequest).where(ReviewRequest.number == number))
    if review is None or review.household_id != reader.household.id:
        raise NotFound()
    return review


def document_of(review: ReviewRequest, document_id: int) -> ReviewDocument:
    document = next((d for d in review.documents if d.id == document_id), None)
    if document is None:
        raise NotFound()
    return document


# -- the reviewers' queue ------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # open, submitted, in_review, awaiting_approval, decided, all
    reason: str = ""
    region: str = ""
    due: str = ""  # "", soon, overdue
    mine: bool = False


@dataclass(frozen=True)
class QueuePage:
    reviews: list[ReviewRequest]
    total: int
    page: int
    pages: int
    staff: dict[int, StaffUser]


QUEUE_PAGE_SIZE = 25


def queue(
    db: Session, filters: QueueFilters, actor: Actor, page: int = 1, today: date | None = None
) -> QueuePage:
    """Review requests, the most urgent first."""
    today = today or clock.today()
    conditions: list[ColumnElement[bool]] = []
    if filters.status == "open":
        conditions.append(ReviewRequest.status.in_(OPEN_STATUSES))
    elif filters.status in (*OPEN_STATUSES, "decided"):
        conditions.append(ReviewRequest.status == filters.status)
    if filters.reason in REVIEW_REASONS:
        conditions.append(ReviewRequest.reason == filters.reason)
    if filters.region:
        conditions.append(Household.region == filters.region)
    if filters.due == "overdue":
        conditions += [ReviewRequest.status.in_(OPEN_STATUSES), ReviewRequest.due_on < today]
    elif filters.due == "soon":
        conditions += [
            ReviewRequest.status.in_(OPEN_STATUSES),
            ReviewRequest.due_on.between(today, today + DUE_SOON),
        ]
    if filters.mine:
        conditions.append(ReviewRequest.assigned_to_account_id == actor.account_id)
    base = select(ReviewRequest).join(Household, ReviewRequest.household_id == Household.id)
    if conditions:
        base = base.where(and_(*conditions))
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // QUEUE_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = list(
        db.scalars(
            base.order_by(ReviewRequest.due_on, ReviewRequest.id)
            .offset((page - 1) * QUEUE_PAGE_SIZE)
            .limit(QUEUE_PAGE_SIZE)
        )
    )
    assigned = {r.assigned_to_account_id for r in rows if r.assigned_to_account_id}
    return QueuePage(rows, total, page, pages, staff_of(db, assigned))


def find_review(db: Session, number: str) -> ReviewRequest:
    review = db.scalar(select(ReviewRequest).where(ReviewRequest.number == number))
    if review is None:
        raise NotFound()
    return review


def _locked_review(db: Session, number: str) -> ReviewRequest:
    review = db.scalar(
        select(ReviewRequest)
        .where(ReviewRequest.number == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if review is None:
        raise NotFound()
    return review


def take(db: Session, number: str, actor: Actor) -> ReviewRequest:
    """Assign a submitted request to the reviewer. Taking one's own again is harmless."""
    with transaction(db):
        review = _locked_review(db, number)
        if review.status == "submitted":
            review.status = "in_review"
            review.assigned_to_account_id = actor.account_id
            review.taken_at = clock.now()
            audit.record(db, actor, "review_taken", subject_type="review", subject_id=number,
                         on_behalf_of_person_id=review.filed_by_person_id)  # fmt: skip
        elif review.assigned_to_account_id != actor.account_id:
            raise DomainError("taken_by_other")
        return review


@dataclass(frozen=True)
class Case:
    """What a reviewer sees to decide."""

    review: ReviewRequest
    household: Household
    declarant: Person
    versions: list[HouseholdVersion]
    overview: ScoreOverview
    staff: dict[int, StaffUser]
    # A correction awaiting approval: what it changes, or None if the household
    # changed since it was written (it can then only be sent back).
    pending: list[changes.Difference] | None


def record_data_opened(db: Session, review: ReviewRequest, actor: Actor) -> None:
    """Staff opened the household's data for this review: the citizen will see it."""
    audit.record(db, actor, "household_data_viewed", subject_type="household",
                 subject_id=review.household_id, on_behalf_of_person_id=review.household.declarant_id,
                 details={"purpose": "review", "review": review.number})  # fmt: skip


def open_correction(db: Session, number: str, actor: Actor) -> ReviewRequest:
    """The request a reviewer is correcting the data of, with an access record."""
    with transaction(db):
        review = find_review(db, number)
        _assigned(review, actor)
        record_data_opened(db, review, actor)
        return review


def open_case(db: Session, number: str, actor: Actor) -> Case:
    """The request and the household's data, with an access record for the citizen."""
    with transaction(db):
        review = find_review(db, number)
        household = review.household
        declarant = db.get(Person, household.declarant_id)
        assert declarant is not None
        versions = list(
            db.scalars(
                select(HouseholdVersion)
                .where(HouseholdVersion.household_id == household.id)
                .order_by(HouseholdVersion.number.desc())
            )
        )
        record_data_opened(db, review, actor)
        return Case(
            review,
            household,
            declarant,
            versions,
            household_overview(db, household),
            staff_of(db, _staff_ids(review, versions)),
            _pending_differences(db, review, versions[0]),
        )


def _staff_ids(review: ReviewRequest, versions: list[HouseholdVersion]) -> set[int]:
    ids = {
        review.assigned_to_account_id,
        review.proposed_by_account_id,
        review.decided_by_account_id,
        review.approved_by_account_id,
        *(v.made_by_account_id for v in versions),
    }
    return {i for i in ids if i is not None}


def _pending_differences(
    db: Session, review: ReviewRequest, current: HouseholdVersion
) -> list[changes.Difference] | None:
    pending = review.pending_correction
    if review.status != "awaiting_approval" or pending is None:
        return []
    if int(pending["base_version"]) != current.number:
        return None
    proposer = Actor.staff(review.proposed_by_account_id or 0, "backoffice")
    after = household_life.preview_change(
        db, review.household.declarant_id, proposer, _change_of(pending)
    )
    return changes.compare(current.declaration, after)


def _change_of(pending: dict[str, Any]) -> household_life.ChangeForm:
    return household_life.ChangeForm(
        pending["kind"], int(pending["base_version"]), pending["submission_key"], pending["answers"]
    )


def document_for_reviewer(
    db: Session, number: str, document_id: int, actor: Actor
) -> ReviewDocument:
    """A supporting document, for a reviewer; the opening is recorded for the citizen."""
    with transaction(db):
        review = find_review(db, number)
        document = document_of(review, document_id)
        audit.record(db, actor, "review_document_opened", subject_type="review", subject_id=number,
                     on_behalf_of_person_id=review.household.declarant_id,
                     details={"purpose": "review", "document": document.id})  # fmt: skip
        return document


# -- deciding ---------------------------------------------------------------------------


def _reason_problems(reason: str) -> dict[str, Problem]:
    reason = reason.strip()
    if not reason:
        return {"decision_reason": Problem("enter_decision_reason")}
    if len(reason) > DECISION_REASON_MAX:
        return {"decision_reason": Problem("too_long", {"max": DECISION_REASON_MAX})}
    return {}


def _checked_reason(reason: str) -> str:
    problems = _reason_problems(reason)
    if problems:
        raise Invalid(problems)
    return reason.strip()


def _assigned(review: ReviewRequest, actor: Actor) -> None:
    if review.status != "in_review":
        raise DomainError("review_not_in_review")
    if review.assigned_to_account_id != actor.account_id:
        raise DomainError("taken_by_other")


def _decide(db: Session, review: ReviewRequest, actor: Actor, decision: str, reason: str) -> None:
    review.status = "decided"
    review.decision = decision
    review.decision_reason = reason
    review.decided_at = clock.now()
    review.decided_by_account_id = actor.account_id
    review.pending_correction = None
    household = review.household
    declarant = db.get(Person, household.declarant_id)
    assert declarant is not None
    audit.record(db, actor, f"review_{decision}", subject_type="review", subject_id=review.number,
                 on_behalf_of_person_id=declarant.id)  # fmt: skip
    notify(db, "review_decided", declarant, household_id=household.id,
           payload={"number": review.number, "decision": decision})  # fmt: skip


def uphold(db: Session, number: str, actor: Actor, reason: str) -> ReviewRequest:
    """The score stands, for the reason written."""
    reason = _checked_reason(reason)
    with transaction(db):
        review = _locked_review(db, number)
        _assigned(review, actor)
        _decide(db, review, actor, "upheld", reason)
        return review


def _eligible_codes(value: Any, day: date) -> set[str]:
    return {p.code for p in programmes_in_force(day) if p.admits(value)}


@dataclass(frozen=True)
class Correction:
    """The result of a correction: applied at once, or waiting for a second reviewer."""

    review: ReviewRequest
    applied: bool
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()


def correct(
    db: Session, number: str, actor: Actor, change: household_life.ChangeForm, reason: str
) -> Correction:
    """Correct the household's data through the same rules as the declarant's changes.

    If eligibility for any programme would change, the correction is kept
    aside for a second reviewer; otherwise it takes effect now.
    """
    reason_problems = _reason_problems(reason)
    with transaction(db):
        review = _locked_review(db, number)
        # The same form sent twice: the first sending's outcome.
        if household_life.done_change(db, review.household_id, change.submission_key) is not None:
            return Correction(review, applied=True)
        pending = review.pending_correction or {}
        if pending.get("submission_key") == change.submission_key:
            return Correction(review, applied=False)
        _assigned(review, actor)
        household = review.household
        declarant_id = household.declarant_id
        try:
            after = household_life.preview_change(db, declarant_id, actor, change)
        except Invalid as invalid:  # every problem at once: the answers' and the reason's
            raise Invalid({**invalid.problems, **reason_problems}) from invalid
        if reason_problems:
            raise Invalid(reason_problems)
        reason = reason.strip()
        score = current_score(db, household)
        today = clock.today()
        before_codes = _eligible_codes(score.value, today) if score else set()
        after_codes = _eligible_codes(compute_score(after, active_model(db)).value, today)
        gained = tuple(sorted(after_codes - before_codes))
        lost = tuple(sorted(before_codes - after_codes))
        if gained or lost:
            review.status = "awaiting_approval"
            review.proposed_by_account_id = actor.account_id
            review.pending_correction = {
                "kind": change.kind,
                "base_version": change.base_version,
                "submission_key": change.submission_key,
                "answers": change.answers,
                "reason": reason,
                "gained": list(gained),
                "lost": list(lost),
            }
            audit.record(db, actor, "review_correction_proposed", subject_type="review",
                         subject_id=number, on_behalf_of_person_id=declarant_id,
                         details={"kind": change.kind, "gained": list(gained), "lost": list(lost)})  # fmt: skip
            return Correction(review, applied=False, gained=gained, lost=lost)
        applied = household_life.apply_change(db, declarant_id, actor, change)
        review.corrected_version_number = applied.version_number
        _decide(db, review, actor, "corrected", reason)
        return Correction(review, applied=True)


def approve(db: Session, number: str, actor: Actor) -> ReviewRequest:
    """A second reviewer lets a correction that changes eligibility take effect.

    If the household changed since the correction was written, it is not
    applied: the request goes back to its reviewer, who corrects it again.
    """
    with transaction(db):
        review = _locked_review(db, number)
        if review.status != "awaiting_approval" or review.pending_correction is None:
            raise DomainError("nothing_to_approve")
        if review.proposed_by_account_id == actor.account_id:
            raise DomainError("four_eyes")
        pending = review.pending_correction
        proposer = Actor.staff(review.proposed_by_account_id or 0, "backoffice")
        change = household_life.ChangeForm(
            pending["kind"],
            int(pending["base_version"]),
            pending["submission_key"],
            pending["answers"],
        )
        try:
            applied = household_life.apply_change(
                db, review.household.declarant_id, proposer, change
            )
        except household_life.HouseholdChanged:
            _return_to_reviewer(db, review, actor, "household_changed")
            return review
        review.corrected_version_number = applied.version_number
        review.approved_by_account_id = actor.account_id
        audit.record(db, actor, "review_correction_approved", subject_type="review",
                     subject_id=number, on_behalf_of_person_id=review.household.declarant_id)  # fmt: skip
        # The decision is the proposer's, with their reason; the approver is recorded beside it.
        _decide(db, review, proposer, "corrected", str(pending["reason"]))
        return review


def refuse_correction(db: Session, number: str, actor: Actor, reason: str) -> ReviewRequest:
    """The second reviewer does not approve: the request goes back to its reviewer."""
    reason = _checked_reason(reason)
    with transaction(db):
        review = _locked_review(db, number)
        if review.status != "awaiting_approval":
            raise DomainError("nothing_to_approve")
        if review.proposed_by_account_id == actor.account_id:
            raise DomainError("four_eyes")
        _return_to_reviewer(db, review, actor, "refused", reason)
        return review


def _return_to_reviewer(
    db: Session, review: ReviewRequest, actor: Actor, why: str, reason: str | None = None
) -> None:
    review.status = "in_review"
    review.pending_correction = None
    audit.record(db, actor, "review_correction_returned", subject_type="review",
                 subject_id=review.number, on_behalf_of_person_id=review.household.declarant_id,
                 details={"why": why, **({"reason": reason} if reason else {})})  # fmt: skip
