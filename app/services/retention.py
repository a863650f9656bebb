"""Keeping data no longer than needed (Law 09-08; docs/domain.md, "Deregistration").

A deregistered household's data is kept for the retention period
(``RETENTION_DAYS``), then deleted with everything that refers to it:
versions, scores, reviews and their documents, certificates, messages,
counter sessions. Expired registration drafts go too. The audit trail stays:
it holds ids, not personal data. Run by ``flask retention purge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.integrations.document_store import DocumentStore
from app.models import (
    AssistedSession,
    Certificate,
    ChangeSubmission,
    Household,
    HouseholdStatus,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
    OutboxMessage,
    RegistrationDraft,
    RegistrationSubmission,
    ReviewDocument,
    ReviewRequest,
    Score,
)
from app.services import audit
from app.services.actors import Actor


@dataclass(frozen=True)
class Purged:
    households: int
    drafts: int


def purge_retained_data(
    db: Session, retention: timedelta, store: DocumentStore | None = None
) -> Purged:
    """Delete the data of households deregistered longer ago than ``retention``,
    and expired registration drafts (Law 09-08: kept no longer than needed).

    The audit trail stays: it holds ids, not personal data.
    """
    with transaction(db):
        cutoff = clock.now() - retention
        ids = list(
            db.scalars(
                select(Household.id).where(
                    Household.status == HouseholdStatus.DEREGISTERED.value,
                    Household.deregistered_at < cutoff,
                )
            )
        )
        stored: list[str] = []
        if ids:
            versions = select(HouseholdVersion.id).where(HouseholdVersion.household_id.in_(ids))
            reviews = select(ReviewRequest.id).where(ReviewRequest.household_id.in_(ids))
            stored = list(
                db.scalars(
                    select(ReviewDocument.storage_name).where(ReviewDocument.review_id.in_(reviews))
                )
            )
            for statement in purge_statements(ids, versions, reviews):
                db.execute(statement)
            audit.record(db, Actor.system(), "retention_purge", details={"households": len(ids)})
            if store is not None and store.transactional:  # the bytes go with their rows
                for name in stored:
                    store.delete(name)
        drafts = db.execute(
            delete(RegistrationDraft).where(RegistrationDraft.expires_at <= clock.now())
        )
        purged = Purged(households=len(ids), drafts=int(drafts.rowcount or 0))  # type: ignore[attr-defined]
    # Files outside the database go once their records are gone for good.
    if store is not None and not store.transactional:
        for name in stored:
            store.delete(name)
    return purged


def purge_statements(household_ids: list[int], versions: Any, reviews: Any) -> list[Any]:
    """Everything held about these households, children before parents."""
    return [
        delete(Certificate).where(Certificate.household_id.in_(household_ids)),
        delete(ReviewDocument).where(ReviewDocument.review_id.in_(reviews)),
        delete(ReviewRequest).where(ReviewRequest.household_id.in_(household_ids)),
        delete(Score).where(Score.household_id.in_(household_ids)),
        delete(HouseholdVersionMember).where(HouseholdVersionMember.version_id.in_(versions)),
        delete(ChangeSubmission).where(ChangeSubmission.household_id.in_(household_ids)),
        delete(RegistrationSubmission).where(
            RegistrationSubmission.household_id.in_(household_ids)
        ),
        delete(OutboxMessage).where(OutboxMessage.household_id.in_(household_ids)),
        delete(HouseholdVersion).where(HouseholdVersion.household_id.in_(household_ids)),
        delete(Membership).where(Membership.household_id.in_(household_ids)),
        # The agents' sessions (with the identity checks seen) go too; the
        # audit trail keeps the acts, by id.
        delete(AssistedSession).where(AssistedSession.household_id.in_(household_ids)),
        delete(Household).where(Household.id.in_(household_ids)),
    ]
