"""The reviewers' desk: the queue, a case, and its decision (docs/domain.md, "Review request").

A reviewer takes a request, looks at the household's data and its score, and
decides with a written reason: the score is upheld, or the data is
corrected through the same rules as the declarant's changes, which makes a
new version and a new score. A correction that would change the household's
eligibility for any programme takes effect only when a second reviewer
approves it (four eyes). The moves between statuses are
``domain.review_status``; filing is ``review_filing``.

The queue itself is ``review_queue``.

Every time staff open a household's data, an access record is written: the
citizen sees them on the privacy page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.domain import changes, review_status
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.input_rules import DECISION_REASON_MAX
from app.domain.review_status import ReviewStatus
from app.domain.scoring import compute_score
from app.domain.scoring.programmes import programmes_in_force
from app.domain.validation import Problem
from app.models import (
    Household,
    HouseholdVersion,
    Person,
    StaffUser,
)
from app.models.reviews import ReviewDocument, ReviewRequest
from app.services import audit, household_life
from app.services.accounts import staff_of
from app.services.actors import Actor
from app.services.outbox import notify
from app.services.review_filing import document_of
from app.services.score_overview import ScoreOverview, household_overview
from app.services.scoring import active_model, current_score


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
        if review_status.may(review.status, "take"):
            review.status = review_status.after(review.status, "take")
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


def correction_under_way(db: Session, number: str, actor: Actor) -> ReviewRequest:
    """The request a reviewer is correcting, while its answers are checked or sent."""
    review = find_review(db, number)
    _assigned(review, actor, "decide")
    return review


def open_correction(db: Session, number: str, actor: Actor) -> ReviewRequest:
    """The request a reviewer is correcting the data of, with an access record."""
    with transaction(db):
        review = find_review(db, number)
        _assigned(review, actor, "decide")
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
    if review.status != ReviewStatus.AWAITING_APPROVAL or pending is None:
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


def _assigned(review: ReviewRequest, actor: Actor, act: str) -> None:
    """The request is where ``act`` starts, and in this reviewer's hands."""
    review_status.after(review.status, act)
    if review.assigned_to_account_id != actor.account_id:
        raise DomainError("taken_by_other")


def _decide(db: Session, review: ReviewRequest, actor: Actor, decision: str, reason: str) -> None:
    review.status = ReviewStatus.DECIDED
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
        _assigned(review, actor, "decide")
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
        _assigned(review, actor, "decide")
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
            review.status = review_status.after(review.status, "propose")
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
        review_status.after(review.status, "approve")
        if review.pending_correction is None:
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
        review_status.after(review.status, "return")
        if review.proposed_by_account_id == actor.account_id:
            raise DomainError("four_eyes")
        _return_to_reviewer(db, review, actor, "refused", reason)
        return review


def _return_to_reviewer(
    db: Session, review: ReviewRequest, actor: Actor, why: str, reason: str | None = None
) -> None:
    review.status = review_status.after(review.status, "return")
    review.pending_correction = None
    audit.record(db, actor, "review_correction_returned", subject_type="review",
                 subject_id=review.number, on_behalf_of_person_id=review.household.declarant_id,
                 details={"why": why, **({"reason": reason} if reason else {})})  # fmt: skip
