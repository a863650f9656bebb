"""Pages that only read run outside a transaction; every other request, and
every write, stays in one (app/web/reads_only.py, app.db.read_without_transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session

from app.db import read_without_transaction, reading, transaction
from app.models import Person
from tests.support.login import login_as
from tests.support.pages import CheckingClient

READS_ONLY_PAGES = ("/score", "/household", "/me")


@contextmanager
def in_transaction_flags(app: Flask) -> Iterator[list[bool]]:
    """For each statement sent, whether the driver wraps it in a transaction
    (psycopg sends BEGIN first unless its connection is in autocommit)."""
    flags: list[bool] = []
    engine = app.extensions["rsu_db"].kw["bind"]

    def record(conn: object, *_args: object) -> None:
        flags.append(not conn.connection.dbapi_connection.autocommit)  # type: ignore[attr-defined]

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield flags
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_pages_that_only_read_send_no_begin(app: Flask, client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    for path in READS_ONLY_PAGES:
        assert client.get(path).status_code == 200
        with in_transaction_flags(app) as flags:
            assert client.get(path).status_code == 200
        assert flags and not any(flags), path


def test_other_pages_read_in_a_transaction(app: Flask, client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    assert client.get("/certificates").status_code == 200
    with in_transaction_flags(app) as flags:
        assert client.get("/certificates").status_code == 200
    # The session row is read outside; the page's own statements inside.
    assert flags[0] is False and len(flags) > 1 and all(flags[1:])


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
