"""A supervisor's check of counter sessions opened without a code.

When a citizen has no phone, the agent opens the session on an identity
check they record themselves: nobody else saw the card. Those sessions are
flagged, and a counter supervisor of the same territory (préfecture
d'arrondissements, prefecture or province) looks at each one afterwards —
who, where, why, and what the agent did for the citizen — and records the
outcome.

The supervisor's look is itself an access to the citizen's data: it is
audited on the citizen's behalf, so it shows on their /privacy page. The
comment stays with the session, not in the append-only audit trail, since
it may name people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.input_rules import SUPERVISION_COMMENT_MAX
from app.domain.offices import offices_overseen_from
from app.domain.validation import Problem
from app.models import AssistedSession, AuditEvent, Person
from app.services import audit
from app.services.accounts import staff_name
from app.services.actors import Actor

OUTCOMES = ("confirmed", "problem")
QUEUE_LIMIT = 200
# Opening and ending the session are not acts for the citizen.
SESSION_BOOKKEEPING = ("assisted_session_opened", "assisted_session_ended")


@dataclass(frozen=True)
class SessionToCheck:
    session: AssistedSession
    agent_name: str
    citizen: Person
    acts: list[str]  # the audit actions recorded in the session, in order


def _acts(db: Session, session: AssistedSession) -> list[str]:
    """What the agent did in the session: every act recorded under its id
    (``audit.record`` adds it to the acts of an agent in a session)."""
    return list(
        db.scalars(
            select(AuditEvent.action)
            .where(
                AuditEvent.actor_account_id == session.agent_account_id,
                AuditEvent.details["assisted_session"].as_integer() == session.id,
                AuditEvent.action.not_in(SESSION_BOOKKEEPING),
            )
            .order_by(AuditEvent.seq)
        )
    )


def _describe(db: Session, session: AssistedSession) -> SessionToCheck:
    citizen = db.get(Person, session.person_id)
    assert citizen is not None
    agent = staff_name(db, session.agent_account_id)
    return SessionToCheck(session, agent, citizen, _acts(db, session))


def _supervised_offices(supervisor: Actor) -> tuple[str, ...]:
    """A supervisor oversees the counters of their own territory (see offices)."""
    return offices_overseen_from(supervisor.office)


def sessions_to_check(db: Session, supervisor: Actor) -> list[SessionToCheck]:
    """Flagged sessions of the supervisor's offices nobody has checked yet, oldest first."""
    sessions = db.scalars(
        select(AssistedSession)
        .where(
            AssistedSession.needs_supervisor_review,
            AssistedSession.supervised_at.is_(None),
            AssistedSession.office.in_(_supervised_offices(supervisor)),
        )
        .order_by(AssistedSession.started_at)
        .limit(QUEUE_LIMIT)
    )
    return [_describe(db, s) for s in sessions]


def _in_scope(session: AssistedSession | None, supervisor: Actor) -> bool:
    return (
        session is not None
        and session.needs_supervisor_review
        and session.office in _supervised_offices(supervisor)
    )


def session_to_check(db: Session, supervisor: Actor, session_id: int) -> SessionToCheck:
    """A flagged session of the supervisor's offices; any other is not found."""
    session = db.get(AssistedSession, session_id)
    if not _in_scope(session, supervisor):
        raise NotFound()
    assert session is not None
    return _describe(db, session)


def open_session_to_check(db: Session, supervisor: Actor, session_id: int) -> SessionToCheck:
    """The session's page, opened by a supervisor: an access the citizen will see."""
    with transaction(db):
        item = session_to_check(db, supervisor, session_id)
        audit.record(db, supervisor, "counter_session_examined", subject_type="assisted_session",
                     subject_id=session_id, on_behalf_of_person_id=item.citizen.id)  # fmt: skip
        return item


def record_check(
    db: Session, supervisor: Actor, session_id: int, outcome: str, comment: str
) -> AssistedSession:
    """The supervisor's outcome, once: a second submit finds it done and changes nothing."""
    comment = comment.strip()
    problems: dict[str, Problem] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = Problem("choose")
    elif outcome == "problem" and not comment:
        problems["comment"] = Problem("describe_problem")
    if len(comment) > SUPERVISION_COMMENT_MAX:
        problems["comment"] = Problem("too_long", {"max": SUPERVISION_COMMENT_MAX})
    if problems:
        raise Invalid(problems)
    with transaction(db):
        session = db.scalar(
            select(AssistedSession)
            .where(AssistedSession.id == session_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if session is None or not _in_scope(session, supervisor):
            raise NotFound()
        if session.supervised_at is not None:
            if session.supervised_by_account_id != supervisor.account_id:
                raise DomainError("already_checked")  # theirs stands; nothing is overwritten
            return session  # the same check sent twice
        if session.agent_account_id == supervisor.account_id:
            raise DomainError("own_session")  # nobody checks their own work
        if session.ended_at is None and session.expires_at > clock.now():
            raise DomainError("session_still_open")
        session.supervised_at = clock.now()
        session.supervised_by_account_id = supervisor.account_id
        session.supervision_outcome = outcome
        session.supervision_comment = comment or None
        audit.record(db, supervisor, "assisted_session_checked", subject_type="assisted_session",
                     subject_id=session.id, on_behalf_of_person_id=session.person_id,
                     details={"outcome": outcome})  # fmt: skip
        return session
