"""Review requests, the household's side (docs/domain.md, "Review request").

The declarant contests the score with a reason, an explanation and up to 5
documents (``domain.uploads``); adult members follow the household's
requests. One request is open at a time. Deciding is the reviewers' desk
(``review_desk``); where a request stands is ``domain.review_status``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.domain import uploads
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.input_rules import EXPLANATION_MAX
from app.domain.review_status import OPEN, ReviewStatus
from app.domain.validation import Problem
from app.integrations.document_store import DocumentStore
from app.integrations.virus_scanner import VirusScanner
from app.models import (
    Household,
    HouseholdStatus,
    Person,
)
from app.models.reviews import REVIEW_REASONS, ReviewDocument, ReviewRequest
from app.services import audit, household_life
from app.services.actors import Actor
from app.services.outbox import notify
from app.services.scoring import current_score

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
            ReviewRequest.household_id == household_id, ReviewRequest.status.in_(OPEN)
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

    # Bytes first. A transactional store adds them to the transaction below;
    # files are written outside it, and removed again if the request is not recorded.
    stored = [store.save(file.content) for file in accepted]
    try:
        with transaction(db):
            review = _record_filing(
                db, household, person_id, actor, filing, accepted, stored, due_days
            )
            return review
    except IntegrityError as error:
        _discard(store, stored)
        done = filed_with_key(db, household.id, filing.submission_key)
        if done is not None:  # the same form, sent twice at once
            return done
        if "uq_review_requests_open_household" in str(error.orig):
            raise DomainError("review_open") from error
        if "uq_review_requests_submission_key" in str(error.orig):
            raise DomainError("stale_form") from error  # the key of another household's form
        raise
    except BaseException:
        _discard(store, stored)
        raise


def _discard(store: DocumentStore, stored: list[str]) -> None:
    """Remove the files of a request that was not recorded. A transactional
    store's bytes went with the rollback already."""
    if not store.transactional:
        for name in stored:
            store.delete(name)


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
        status=ReviewStatus.SUBMITTED,
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


# Built once: /score and /me run it on every request.
_REVIEWS_OF_HOUSEHOLD = (
    select(ReviewRequest)
    .where(ReviewRequest.household_id == bindparam("household_id"))
    .order_by(ReviewRequest.id.desc())
)


def reviews_of_household(db: Session, household_id: int) -> list[ReviewRequest]:
    return list(db.scalars(_REVIEWS_OF_HOUSEHOLD, {"household_id": household_id}))


# Whether the household of the enclosing statement has any review request.
# Few households ever file one, so /score and /me ask this in their first
# statement and read the requests (``reviews_of_household``) only if so.
HOUSEHOLD_HAS_REVIEWS = (
    select(ReviewRequest.id).where(ReviewRequest.household_id == Household.id).exists()
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
