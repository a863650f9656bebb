"""What a person may know about their data (Law 09-08): who accessed it,
and a copy of everything held about them.

The access log comes from the audit trail: every act by staff on behalf of
the person or of their household's declarant (assisted sessions at a
counter, reviews and corrections), with the staff member's name and office,
as the law intends the citizen to know them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.models import (
    Account,
    AssistedSession,
    AuditEvent,
    Certificate,
    Household,
    HouseholdVersion,
    Membership,
    OutboxMessage,
    Person,
    ReviewRequest,
    Score,
)
from app.services import audit
from app.services.accounts import staff_name, staff_of
from app.services.actors import Actor
from app.services.households import active_membership

LOG_LIMIT = 500


@dataclass(frozen=True)
class Access:
    at: datetime
    staff_name: str
    office: str | None
    action: str
    channel: str  # counter, backoffice
    details: dict[str, Any]


def _concerned(db: Session, person_id: int) -> tuple[set[int], Household | None]:
    """Whose records the person may read: their own; their household's
    declarant's (acts on the household's data); and, for the declarant, every
    member's (an agent serving a member reaches the household's data too)."""
    membership = active_membership(db, person_id)
    household = membership.household if membership else None
    ids = {person_id}
    if household is not None:
        ids.add(household.declarant_id)
        if household.declarant_id == person_id:
            ids.update(
                db.scalars(
                    select(Membership.person_id).where(
                        Membership.household_id == household.id, Membership.ended_at.is_(None)
                    )
                )
            )
    return ids, household


def access_log(db: Session, person_id: int) -> list[Access]:
    ids, _household = _concerned(db, person_id)
    events = list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor_kind == "staff", AuditEvent.on_behalf_of_person_id.in_(ids))
            .order_by(AuditEvent.seq.desc())
            .limit(LOG_LIMIT)
        )
    )
    staff = staff_of(db, {e.actor_account_id for e in events if e.actor_account_id})
    entries = []
    for event in events:
        member = staff.get(event.actor_account_id or 0)
        entries.append(
            Access(
                at=event.occurred_at,
                staff_name=member.display_name if member else "—",
                office=event.details.get("office") or (member.office if member else None),
                action=event.action,
                channel=event.channel,
                details=event.details,
            )
        )
    return entries


def my_data(db: Session, person_id: int, actor: Actor) -> dict[str, Any]:
    """Everything held about the person, as plain data: dates and numbers stay
    typed, for the readable page to format them; the JSON file writes them in
    ISO 8601.

    The copy itself is recorded in the audit trail.
    """
    with transaction(db):
        person = db.get(Person, person_id)
        assert person is not None
        _ids, household = _concerned(db, person_id)
        data: dict[str, Any] = {
            "generated_at": clock.now(),
            "person": _person_data(person),
            "accounts": _accounts_data(db, person_id),
            "memberships": _memberships_data(db, person_id),
            "household": _household_data(db, household) if household is not None else None,
            "assisted_sessions": _assisted_sessions_data(db, person_id),
            "notifications": _notifications_data(db, person_id),
            "access_log": [
                {
                    "at": a.at,
                    "staff": a.staff_name,
                    "office": a.office,
                    "action": a.action,
                    "channel": a.channel,
                }
                for a in access_log(db, person_id)
            ],
        }
        audit.record(db, actor, "personal_data_copied", subject_type="person", subject_id=person_id,
                     on_behalf_of_person_id=person_id)  # fmt: skip
        return data


def _person_data(person: Person) -> dict[str, Any]:
    """As the population register (or the identity provider) gave it."""
    return {
        "idcs": person.idcs,
        "cnie": person.cnie,
        "first_name_latin": person.first_name_latin,
        "last_name_latin": person.last_name_latin,
        "first_name_ar": person.first_name_ar,
        "last_name_ar": person.last_name_ar,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "phone": person.phone,
        "email": person.email,
        "in_national_population_register": person.in_rnp,
    }


def _accounts_data(db: Session, person_id: int) -> list[dict[str, Any]]:
    accounts = db.scalars(select(Account).where(Account.person_id == person_id))
    return [
        {
            "created_at": a.created_at,
            "last_login_at": a.last_login_at,
            "preferred_language": a.preferred_locale,
        }
        for a in accounts
    ]


def _memberships_data(db: Session, person_id: int) -> list[dict[str, Any]]:
    memberships = db.scalars(
        select(Membership).where(Membership.person_id == person_id).order_by(Membership.started_at)
    )
    return [
        {
            "household": m.household.rsu_number,
            "relation": m.relation,
            "from": m.started_at,
            "until": m.ended_at,
            "end_reason": m.end_reason,
        }
        for m in memberships
    ]


def _assisted_sessions_data(db: Session, person_id: int) -> list[dict[str, Any]]:
    """Counter sessions for the person, with the identity checks seen and their supervision."""
    sessions = db.scalars(select(AssistedSession).where(AssistedSession.person_id == person_id))
    return [
        {
            "agent": staff_name(db, s.agent_account_id),
            "office": s.office,
            "consent": s.consent,
            "started_at": s.started_at,
            "ended_at": s.ended_at,
            "identity_check": s.identity_check,
            "checked_by_supervisor_at": s.supervised_at,
            "supervisor_outcome": s.supervision_outcome,
            "supervisor_comment": s.supervision_comment,
        }
        for s in sessions
    ]


def _notifications_data(db: Session, person_id: int) -> list[dict[str, Any]]:
    """What was sent, when and how; not the texts (they held one-time codes)."""
    messages = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_person_id == person_id)
        .order_by(OutboxMessage.id)
    )
    return [
        {
            "created_at": m.created_at,
            "kind": m.kind,
            "channel": m.channel,
            "status": m.status,
            "sent_at": m.sent_at,
        }
        for m in messages
    ]


def _household_data(db: Session, household: Household) -> dict[str, Any]:
    """The household the person belongs to now: its data they may already read."""
    versions = db.scalars(
        select(HouseholdVersion)
        .where(HouseholdVersion.household_id == household.id)
        .order_by(HouseholdVersion.number)
    )
    return {
        "rsu_number": household.rsu_number,
        "status": household.status,
        "registered_at": household.registered_at,
        "versions": [
            {
                "number": v.number,
                "created_at": v.created_at,
                "event": v.event,
                "made_by": v.made_by,
                "declaration": v.declaration,
            }
            for v in versions
        ],
        "scores": [
            {
                "computed_at": s.computed_at,
                "value": s.value,
                "model": s.model_id,
                "model_effective_date": s.model.effective_date,
                "model_illustrative": s.model.illustrative,
                "reason": s.reason,
            }
            for s in db.scalars(
                select(Score).where(Score.household_id == household.id).order_by(Score.id)
            )
        ],
        "review_requests": [
            {
                "number": r.number,
                "submitted_at": r.submitted_at,
                "reason": r.reason,
                "explanation": r.explanation,
                "status": r.status,
                "decision": r.decision,
                "decision_reason": r.decision_reason,
                "documents": [d.original_name for d in r.documents],
            }
            for r in db.scalars(
                select(ReviewRequest).where(ReviewRequest.household_id == household.id)
            )
        ],
        "certificates": [
            {
                "number": c.number,
                "kind": c.kind,
                "issued_at": c.issued_at,
                "status": c.status,
                "sha256": c.sha256,
            }
            for c in db.scalars(select(Certificate).where(Certificate.household_id == household.id))
        ],
    }
