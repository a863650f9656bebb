"""Actors for service tests: real account rows, as a login would create."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.models import Account, Person, StaffUser
from app.services.actors import Actor


def citizen(db: Session, person: Person) -> Actor:
    account = db.scalar(select(Account).where(Account.person_id == person.id))
    if account is None:
        now = clock.now()
        account = Account(issuer="https://idp.test", subject=f"person-{person.id}", person_id=person.id,
                          created_at=now, last_login_at=now)  # fmt: skip
        db.add(account)
        db.commit()
    return Actor.citizen(account.id, person.id)


def counter_agent(db: Session, office: str = "hay-hassani-annex", subject: str = "agent") -> Actor:
    """A counter agent's account and staff record, as the first login makes them."""
    now = clock.now()
    account = Account(issuer="https://idp.test", subject=subject, created_at=now, last_login_at=now)
    db.add(account)
    db.flush()
    db.add(StaffUser(account_id=account.id, display_name="Agent Test", office=office,
                     roles=["counter_agent"]))  # fmt: skip
    db.commit()
    return Actor.staff(account.id, "counter", office)
