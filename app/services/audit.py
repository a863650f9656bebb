"""Writing the audit trail.

Services call ``record`` inside their own transaction, so that the act and
its record are committed together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app import clock
from app.models import AuditEvent
from app.services.actors import Actor


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: object | None = None,
    on_behalf_of_person_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_kind=actor.kind,
        actor_account_id=actor.account_id,
        on_behalf_of_person_id=on_behalf_of_person_id or actor.on_behalf_of_person_id,
        channel=actor.channel,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        details=details or {},
    )
    db.add(event)
    return event
