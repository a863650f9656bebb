"""The supervision service's own rules, below the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import identity_check
from app.domain.errors import DomainError
from app.domain.input_rules import SUPERVISION_COMMENT_MAX
from app.models import Person
from app.services import counter, counter_supervision
from tests.support.actors import counter_agent


def test_nobody_checks_their_own_session(db: Session, demo: None) -> None:
    youssef = db.scalar(select(Person).where(Person.idcs == "1000000201"))
    assert youssef is not None
    agent = counter_agent(db)
    card = identity_check.IdentityCheck(
        cnie="AB123456", expires_on="2031-01-01", reason="phone_lost"
    )
    held = counter.open_with_identity_check(db, agent, youssef.id, card, minutes=30)
    counter.end_session(db, agent, held.id)
    with pytest.raises(DomainError) as refused:
        counter_supervision.record_check(db, agent, held.id, "confirmed", "")
    assert refused.value.code == "own_session"
    assert counter_supervision.sessions_to_check(db, agent)[0].session.id == held.id
    too_long = "x" * (SUPERVISION_COMMENT_MAX + 1)
    with pytest.raises(DomainError) as invalid:
        counter_supervision.record_check(db, agent, held.id, "problem", too_long)
    assert "comment" in invalid.value.details["problems"]
