"""No demo person's IDCS, CNIE or phone reaches the log, even through an
error's traceback. The attack: SQLAlchemy errors quoted their parameters
(``[parameters: {'idcs_1_1': '2000000022', …}]``), and the filter cleaned
messages but not tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.demo_people import PEOPLE
from app.extensions import db as app_db
from app.logging_setup import configure_logging, formatter_for
from app.models import Person
from app.services import counter
from tests.conftest import make_test_app
from tests.support.actors import counter_agent
from tests.support.login import login_as
from tests.support.pages import csrf_token_in

DEMO_NUMBERS = sorted(
    {n for p in PEOPLE for n in (p.idcs, p.cnie, p.phone, (p.phone or "")[4:]) if n}
)


@pytest.fixture(params=["text", "json"])
def captured_log(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """What the portal's configured logging writes, as an operator would read it,
    in each LOG_FORMAT (the JSON formatter writes the traceback itself)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for(request.param))
    root = logging.getLogger()
    root.addHandler(handler)
    configure_logging("INFO")  # as at start-up: every handler gets the filter
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def leaked(log: str) -> list[str]:
    return [number for number in DEMO_NUMBERS if number in log]


def test_a_database_error_logged_with_its_traceback_names_no_one(
    app: Flask, db: Session, demo: None, captured_log: io.StringIO
) -> None:
    youssef = PEOPLE[4]
    assert youssef.key == "youssef"
    with app.app_context():
        try:  # the same IDCS and CNIE twice: a unique violation quoting its values
            db.add(Person(idcs=youssef.idcs, cnie=youssef.cnie, first_name_latin="X",
                          last_name_latin="X", first_name_ar="X", last_name_ar="X",
                          birth_date=youssef.birth_date, sex="M", phone=youssef.phone))  # fmt: skip
            db.flush()
        except Exception as error:
            db.rollback()
            app.logger.exception("could not add %s (%s): %s", youssef.idcs, youssef.cnie, error)
        try:
            raise ValueError(f"no household for {youssef.idcs}, phone {youssef.phone}")
        except ValueError:
            app.logger.exception("lookup failed")
    log = captured_log.getvalue()
    assert "IntegrityError" in log and "ValueError" in log  # the errors themselves are kept
    assert "Traceback" in log
    assert leaked(log) == []


def slow_app(database_url: str, oidc_provider: str) -> Flask:
    """The portal with a short lock timeout: a statement kept waiting by a
    lock we hold fails at once, and the failure is logged."""
    return make_test_app(f"{database_url}?options=-c%20lock_timeout%3D200", oidc_provider)


def test_a_failing_counter_search_names_no_one(
    database_url: str, oidc_provider: str, db: Session, demo: None, captured_log: io.StringIO
) -> None:
    app = slow_app(database_url, oidc_provider)
    engine = app.extensions["rsu_db"].kw["bind"]
    # The search statement itself fails, with the CNIE as its parameter.
    agent = counter_agent(db)
    with app.app_context(), engine.connect() as holder:
        holder.execute(text("BEGIN"))
        holder.execute(text("LOCK TABLE persons IN ACCESS EXCLUSIVE MODE"))
        try:
            counter.find_citizen(app_db.session, agent, "cnie", "AB123456")
        except OperationalError:
            app.logger.exception("counter search failed")
        holder.execute(text("ROLLBACK"))
    # Through the desk: the citizen is found, then recording the access fails: a 500.
    client = app.test_client()
    login_as(client, "agent.salma")
    token = csrf_token_in(client.get("/counter"))
    with engine.connect() as holder:
        holder.execute(text("BEGIN"))
        holder.execute(text("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE"))
        data = {"csrf_token": token, "id_type": "cnie", "number": "AB123456"}
        response = client.post("/counter", data=data)
        holder.execute(text("ROLLBACK"))
    assert response.status_code == 500
    log = captured_log.getvalue()
    assert "counter search failed" in log and "unexpected error" in log
    assert log.count("LockNotAvailable") >= 2
    assert "[SQL parameters hidden" in log
    assert leaked(log) == []
    engine.dispose()
