"""Pages that only read run outside a transaction; every other request, and
every write, stays in one (app/web/reads_only.py, app.db.read_without_transaction)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.db import read_without_transaction, reading, transaction
from app.models import Person
from tests.support.login import login_as
from tests.support.pages import CheckingClient
from tests.support.registration import statements_of_a_submit
from tests.support.statements import statements_sent

READS_ONLY_PAGES = ("/score", "/household", "/me")


def test_pages_that_only_read_send_no_begin(app: Flask, client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    for path in READS_ONLY_PAGES:
        assert client.get(path).status_code == 200
        with statements_sent(app) as sent:
            assert client.get(path).status_code == 200
        flags = [s.in_transaction for s in sent]
        assert flags and not any(flags), path


def test_other_pages_read_in_a_transaction(app: Flask, client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    assert client.get("/certificates").status_code == 200
    with statements_sent(app) as sent:
        assert client.get("/certificates").status_code == 200
    flags = [s.in_transaction for s in sent]
    # The session row is read outside; the page's own statements inside.
    assert flags[0] is False and len(flags) > 1 and all(flags[1:])


def test_a_post_reads_its_session_in_the_transaction_it_writes_in(
    app: Flask, client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")
    sent = statements_of_a_submit(app, client)
    assert "web_sessions" in sent[0].statement
    assert all(s.in_transaction for s in sent), [s.statement[:60] for s in sent]


def test_a_write_outside_a_transaction_is_refused(app: Flask, db: Session, demo: None) -> None:
    with app.app_context():
        from app.extensions import db as database

        session = database.session
        read_without_transaction(session)
        assert session.scalar(select(func.count(Person.id)))
        with pytest.raises(RuntimeError, match="outside a transaction"):
            session.execute(update(Person).values(phone="0600000000"))
        with pytest.raises(RuntimeError, match="outside a transaction"):
            session.execute(select(Person.id).with_for_update())
        # The audit chain's head is read under a lock that would end at once.
        with pytest.raises(RuntimeError, match="outside a transaction"):
            session.execute(text("SELECT seq, row_hash FROM audit_chain_head()"))
    assert db.scalar(select(func.count(Person.id)).where(Person.phone == "0600000000")) == 0


def test_a_use_case_after_reading_is_all_or_nothing(app: Flask, db: Session, demo: None) -> None:
    with app.app_context():
        from app.extensions import db as database

        session = database.session
        read_without_transaction(session)
        first = session.scalar(select(Person).order_by(Person.id))
        assert first is not None and reading(session)
        with pytest.raises(ZeroDivisionError), transaction(session):
            assert not reading(session)
            session.execute(update(Person).values(phone="0600000000"))
            _ = 1 / 0  # the use case fails after its first write
    assert db.scalar(select(func.count(Person.id)).where(Person.phone == "0600000000")) == 0
