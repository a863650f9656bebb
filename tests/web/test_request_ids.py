"""One request, one id: in the response, on every log line, on its audit
records and outbox messages, and in the worker's line when the SMS leaves."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.demo_people import PEOPLE
from app.logging_setup import add_filters, formatter_for
from app.models import AuditEvent, OutboxMessage
from app.services import audit
from tests.conftest import make_test_app
from tests.support.integrity import assert_integrity
from tests.support.login import login_as
from tests.support.pages import CheckingClient
from tests.support.reviews import PDF, file_review

MADE_HERE = re.compile(r"[0-9a-f]{32}")
TRACE = "lb-7F000001.0a1b-c2"  # what a balancer sends: hex, dots and dashes
DEMO_NUMBERS = sorted(
    {n for p in PEOPLE for n in (p.idcs, p.cnie, p.phone, (p.phone or "")[4:]) if n}
)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The portal's log in JSON, as a collector would read it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for("json"))
    add_filters(handler)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    """Every line must be one JSON object."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_well_formed_id_comes_back_and_any_other_is_replaced(client: CheckingClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": TRACE}).headers["X-Request-ID"] == TRACE
    made = client.get("/healthz").headers["X-Request-ID"]
    assert MADE_HERE.fullmatch(made)
    refused = ("two words", "a" * 65, "<script>", "id\u00e9", "a/b", "", "1000000101", "AB123456",
               "0661234567")  # fmt: skip
    for sent in refused:
        answered = client.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
        assert MADE_HERE.fullmatch(answered) and answered != sent, sent
    # The longest allowed is kept whole, and so is an id (nginx's $request_id)
    # that holds ten digits in a row among others.
    for kept in (
        "A" * 64,
        "9f0123456789abcdef0123456789ab01",
        "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    ):
        assert (
            client.get("/healthz", headers={"X-Request-ID": kept}).headers["X-Request-ID"] == kept
        )


def test_the_id_reaches_the_audit_trail_and_the_outbox_and_the_chain_holds(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    client.environ_base["HTTP_X_REQUEST_ID"] = TRACE
    login_as(client, "youssef")
    assert file_review(client, [("quittance.pdf", PDF)]).status_code == 302
    actions = dict(db.execute(select(AuditEvent.action, AuditEvent.request_id)).all())
    assert actions["login"] == TRACE and actions["review_filed"] == TRACE
    # The demo was seeded outside any request: its rows have no id, and still verify.
    assert None in actions.values()
    queued = db.scalars(select(OutboxMessage.request_id)).all()
    assert queued and set(queued) == {TRACE}
    assert audit.verify(db).intact
    assert_integrity(app)


def test_the_chain_covers_the_request_id(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    client.environ_base["HTTP_X_REQUEST_ID"] = TRACE
    login_as(client, "youssef")
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "login")).one()
    db.rollback()
    # As a superuser passing the append-only trigger would.
    db.execute(text("SET LOCAL session_replication_role = replica"))
    db.execute(
        text("UPDATE audit_events SET request_id = 'someone-else' WHERE id = :id"), {"id": row.id}
    )
    db.commit()
    report = audit.verify(db)
    assert not report.intact and report.broken_id == row.id


def test_json_logs_carry_the_id_route_status_and_duration_and_no_one(
    database_url: str, oidc_provider: str, db: Session, demo: None, json_log: io.StringIO
) -> None:
    app = make_test_app(database_url, oidc_provider, LOG_FORMAT="json")
    client = app.test_client()
    client.environ_base["HTTP_X_REQUEST_ID"] = TRACE
    login_as(client, "youssef")
    for page in ("/household", "/score", "/me", "/verify/12345678901234567890"):
        client.get(page)
    lines = records(json_log)
    request_lines = [r for r in lines if r["logger"] == "app.requests"]
    assert {r["route"] for r in request_lines} >= {"/household", "/score", "/me"}
    for line in request_lines:
        assert line["request_id"] == TRACE
        assert isinstance(line["status"], int) and isinstance(line["duration_ms"], float)
        assert {"timestamp", "level", "logger", "message"} <= line.keys()
    assert not any("12345678901234567890" in json.dumps(r) for r in lines)
    everything = json_log.getvalue()
    assert [number for number in DEMO_NUMBERS if number in everything] == []


def test_the_outbox_worker_logs_the_id_of_the_request_that_queued_the_message(
    app: Flask, client: CheckingClient, demo: None, db: Session, json_log: io.StringIO
) -> None:
    from app.extensions import db as app_db
    from app.integrations.messaging import senders_from_config
    from app.services.outbox import deliver
    from app.web.notifications import compose

    client.environ_base["HTTP_X_REQUEST_ID"] = TRACE
    login_as(client, "youssef")
    assert file_review(client, [("quittance.pdf", PDF)]).status_code == 302
    json_log.truncate(0)
    json_log.seek(0)
    with app.app_context():
        report = deliver(app_db.session, senders_from_config(app.config), compose)
    assert report.sent >= 1
    sent = [r for r in records(json_log) if "sent by" in str(r["message"])]
    assert len(sent) == report.sent
    assert {r["request_id"] for r in sent} == {TRACE}
    everything = json_log.getvalue()
    assert [number for number in DEMO_NUMBERS if number in everything] == []
