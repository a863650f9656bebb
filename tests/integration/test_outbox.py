"""Delivering notifications: several workers, retries, adapters against real servers."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import clock
from app.integrations.mail import SmtpMail
from app.integrations.sms import HttpSms
from app.models import Account, HouseholdVersion, OutboxMessage, Person
from app.ports import DeliveryFailed
from app.services import contact_details, outbox


def numbered(kind: str, payload: dict[str, Any], language: str) -> tuple[str, str]:
    return f"message {payload['n']}", f"{language}:{payload['n']}"


def youssef(db: Session) -> Person:
    person = db.scalar(select(Person).where(Person.first_name_latin == "Youssef"))
    assert person is not None
    return person


def queue(db: Session, count: int, channel: str = "sms") -> None:
    person = youssef(db)
    for n in range(count):
        outbox.notify(db, "test", person, household_id=None, payload={"n": n}, channels=(channel,))
    db.commit()


class Recorder:
    """A gateway that takes its time, so that two workers overlap."""

    def __init__(self, delay: float = 0.0, failures: int = 0) -> None:
        self.sent: list[str] = []
        self.delay = delay
        self.failures = failures
        self.lock = threading.Lock()
        self.references: list[str] = []  # one per try, refused ones included

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        with self.lock:
            self.references.append(reference)
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("gateway busy")
        time.sleep(self.delay)
        with self.lock:
            self.sent.append(body)


@pytest.mark.usefixtures("integrity_checked")
def test_two_workers_send_each_message_exactly_once(app: Flask, demo: None, db: Session) -> None:
    queue(db, 120)
    gateway = Recorder(delay=0.002)
    factory = app.extensions["rsu_db"]
    reports = []

    def worker() -> None:
        session = factory()
        try:
            reports.append(outbox.deliver(session, {"sms": gateway}, numbered))
        finally:
            session.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    counts = Counter(gateway.sent)
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert all(report.sent > 0 for report in reports), "both workers took part"
    assert sum(report.sent for report in reports) == 120
    db.expire_all()
    assert {m.status for m in db.scalars(select(OutboxMessage))} == {"sent"}
    # Running again sends nothing: a message marked sent is never sent twice.
    assert outbox.deliver(db, {"sms": gateway}, numbered).sent == 0
    assert len(gateway.sent) == 120


def test_failures_are_retried_with_backoff_then_given_up(demo: None, db: Session) -> None:
    queue(db, 1)
    gateway = Recorder(failures=100)
    start = clock.now()
    with clock.freeze(start):
        report = outbox.deliver(db, {"sms": gateway}, numbered)
    assert (report.sent, report.retrying) == (0, 1)
    message = db.scalar(select(OutboxMessage))
    assert message is not None and message.status == "pending" and message.attempts == 1
    assert message.next_attempt_at == start + timedelta(minutes=1)
    with clock.freeze(start + timedelta(seconds=30)):  # not due yet
        assert outbox.deliver(db, {"sms": gateway}, numbered).handled == 0
    waits = []
    moment = start
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        moment = message.next_attempt_at
        with clock.freeze(moment):
            outbox.deliver(db, {"sms": gateway}, numbered)
        db.refresh(message)
        waits.append(message.next_attempt_at - moment)
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert waits[:3] == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert gateway.sent == []


def test_a_message_sent_after_a_failure_is_sent_once(demo: None, db: Session) -> None:
    queue(db, 1)
    gateway = Recorder(failures=1)
    start = clock.now()
    with clock.freeze(start):
        outbox.deliver(db, {"sms": gateway}, numbered)
    with clock.freeze(start + timedelta(minutes=5)):
        assert outbox.deliver(db, {"sms": gateway}, numbered).sent == 1
        assert outbox.deliver(db, {"sms": gateway}, numbered).sent == 0
    assert gateway.sent == ["ar:0"]
    # Both tries under one reference: a gateway that took the first would drop the second.
    message_id = db.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))
    assert gateway.references == [f"rsu-outbox-{message_id}"] * 2


def test_a_person_without_an_address_is_not_retried(demo: None, db: Session) -> None:
    person = youssef(db)
    person.email = None
    outbox.notify(db, "test", person, household_id=None, payload={"n": 1}, channels=("email",))
    assert db.scalar(select(OutboxMessage)) is None  # no email address: no email queued
    db.add(OutboxMessage(created_at=clock.now(), kind="test", channel="email", recipient_person_id=person.id,
                         payload={"n": 1}, status="pending", attempts=0, next_attempt_at=clock.now()))  # fmt: skip
    db.commit()
    report = outbox.deliver(db, {"email": Recorder()}, numbered)
    assert report.failed == 1
    assert db.scalar(select(OutboxMessage.last_error)) == "no address on file"


# -- SMTP, against a real local server -------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[Any]]]:
    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def test_emails_go_out_through_smtp_in_the_persons_language(
    app: Flask, demo: None, db: Session, smtp_server: tuple[int, list[Any]]
) -> None:
    port, received = smtp_server
    person = youssef(db)
    person.email = "youssef@example.ma"
    db.execute(
        Account.__table__.update()
        .where(Account.person_id == person.id)
        .values(preferred_locale="fr")
    )
    db.add(Account(issuer="https://idp.test", subject="y", person_id=person.id, preferred_locale="fr",
                   created_at=clock.now(), last_login_at=clock.now()))  # fmt: skip
    outbox.notify(db, "review_filed", person, household_id=None,
                  payload={"number": "REV-2026-000042", "due_on": "2026-12-28"}, channels=("email",))  # fmt: skip
    db.commit()
    mail = SmtpMail("127.0.0.1", port, "rsu-portal@example.invalid")
    from app.web.notifications import compose

    with app.app_context():
        report = outbox.deliver(db, {"email": mail}, compose)
    assert report.sent == 1
    assert len(received) == 1 and received[0].rcpt_tos == ["youssef@example.ma"]
    message = message_from_bytes(received[0].content)
    assert (
        str(make_header(decode_header(message["Subject"])))
        == "RSU\u00a0: demande de révision REV-2026-000042 reçue"
    )
    body = message.get_payload(decode=True).decode()
    assert "28 décembre 2026" in body
    # The same Message-ID on every try, so that a copy sent again is dropped.
    assert re.fullmatch(r"<rsu-outbox-\d+@example\.invalid>", message["Message-ID"])


def test_an_unreachable_smtp_server_is_a_retryable_failure() -> None:
    mail = SmtpMail("127.0.0.1", free_port(), "rsu-portal@example.invalid", timeout=2)
    with pytest.raises(DeliveryFailed) as failure:
        mail.send("someone@example.ma", "subject", "body", reference="rsu-outbox-1")
    assert not failure.value.permanent


# -- the SMS gateway, over HTTP ------------------------------------------------------------


@pytest.fixture
def sms_gateway() -> Iterator[tuple[str, list[dict[str, Any]], list[int]]]:
    requests_seen: list[dict[str, Any]] = []
    answers: list[int] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests_seen.append(
                {
                    "auth": self.headers["Authorization"],
                    "key": self.headers["Idempotency-Key"],
                    **body,
                }
            )
            self.send_response(answers.pop(0) if answers else 202)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", requests_seen, answers
    server.shutdown()


def test_the_sms_gateway_adapter(sms_gateway: tuple[str, list[dict[str, Any]], list[int]]) -> None:
    url, seen, answers = sms_gateway
    sms = HttpSms(url, "secret-token")
    sms.send("+212661234567", "", "RSU: bonjour", reference="rsu-outbox-7")
    assert seen == [
        {
            "auth": "Bearer secret-token",
            "key": "rsu-outbox-7",
            "to": "+212661234567",
            "text": "RSU: bonjour",
            "reference": "rsu-outbox-7",
        }
    ]
    answers.append(503)
    with pytest.raises(DeliveryFailed) as busy:
        sms.send("+212661234567", "", "again", reference="rsu-outbox-8")
    assert not busy.value.permanent
    answers.append(400)
    with pytest.raises(DeliveryFailed) as refused:
        sms.send("+212661234567", "", "again", reference="rsu-outbox-8")
    assert refused.value.permanent


def test_every_notification_has_its_text_in_both_languages(app: Flask) -> None:
    from app.web.notifications import compose

    payloads = {
        "review_filed": {"number": "REV-2026-000001", "due_on": "2026-12-28"},
        "review_decided": {"number": "REV-2026-000001", "decision": "corrected"},
        "eligibility_changed": {"model_id": "pmt-2026-01", "gained": ["asd"], "lost": []},
    }
    with app.app_context():
        for kind, payload in payloads.items():
            arabic, french = compose(kind, payload, "ar"), compose(kind, payload, "fr")
            assert arabic != french, kind
            assert any("\u0600" <= ch <= "\u06ff" for ch in arabic[1]), kind
            assert "RSU" in french[1], kind


def test_the_deliver_command(app: Flask, demo: None, db: Session) -> None:
    person = youssef(db)
    for n in range(3):
        outbox.notify(db, "review_decided", person, household_id=None,
                      payload={"number": f"REV-2026-00000{n}", "decision": "upheld"})  # fmt: skip
    queue(db, 1)  # a message nobody knows how to write: given up, and blocks nothing
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 3, to retry later 0, given up 1." in result.output
    db.expire_all()
    statuses = Counter(m.status for m in db.scalars(select(OutboxMessage)))
    assert statuses == {"sent": 3, "failed": 1}


def poison_the_declaration(db: Session) -> None:
    """youssef's current declaration holds a NUL, as one could before the input boundary:
    PostgreSQL's JSON operators then fail on the whole document."""
    declaration = dict(db.scalar(select(HouseholdVersion.declaration)) or {})
    declaration["residence"] = {**declaration["residence"], "address": "12 rue\x00 Al Massira"}
    db.execute(
        text("UPDATE household_versions SET declaration = CAST(:d AS json)"),
        {"d": json.dumps(declaration)},
    )
    db.commit()
    assert "\\u0000" in str(db.scalar(text("SELECT declaration::text FROM household_versions")))


class Stumbling:
    """A gateway with a bug for one message: it raises what no sender should."""

    def __init__(self, bad: int) -> None:
        self.bad = bad
        self.sent: list[str] = []

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        if body.endswith(f":{self.bad}"):
            raise RuntimeError("a bug in the gateway adapter")
        self.sent.append(body)


def test_a_message_that_cannot_be_sent_never_stops_the_others(db: Session, demo: None) -> None:
    poison_the_declaration(db)
    queue(db, 5)
    gateway = Stumbling(bad=0)  # the first in the queue
    report = outbox.deliver(db, {"sms": gateway}, numbered)
    assert gateway.sent == ["ar:1", "ar:2", "ar:3", "ar:4"]  # the NUL stops no one either
    assert (report.sent, report.retrying, report.failed) == (4, 1, 0)
    db.expire_all()
    stuck = db.scalar(select(OutboxMessage).order_by(OutboxMessage.id).limit(1))
    assert stuck is not None and stuck.status == "pending" and stuck.attempts == 1
    assert stuck.last_error == "could not be handled: RuntimeError"
    # It keeps its turn after the others, try after try, and fails for good at the end.
    at = clock.now()
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        at += outbox.LONGEST_WAIT
        with clock.freeze(at):
            outbox.deliver(db, {"sms": gateway}, numbered)
    db.expire_all()
    assert db.scalar(select(OutboxMessage.status).where(OutboxMessage.id == stuck.id)) == "failed"
    assert gateway.sent == ["ar:1", "ar:2", "ar:3", "ar:4"]


def test_the_phone_on_file_and_the_counter_search_read_a_poisoned_declaration(
    client: Any, db: Session, demo: None
) -> None:
    from tests.support.counter import search
    from tests.support.login import login_as

    poison_the_declaration(db)
    assert contact_details.phone_on_file(db, youssef(db)) == "+212661234567"
    login_as(client, "agent.salma")
    assert search(client, "AB123456").status_code == 302
    assert client.get("/counter/citizen").status_code == 200
