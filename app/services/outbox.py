"""The outbox: notifications written with the event, delivered by ``flask outbox deliver``.

Writing a message is part of the event's transaction, so a notification is
never announced for an event that rolled back, and no gateway is waited on
while a citizen submits a form.

Delivery claims one message at a time with ``SELECT … FOR UPDATE SKIP
LOCKED``: several workers can run side by side, each message is held by one
of them, and a message marked sent is never claimed again. A failed send is
retried with exponential backoff, then given up as ``failed``.

No message can stop the ones behind it. Whatever goes wrong with one (the
gateway refuses it, its data cannot be read, a bug), it counts a try and
waits its turn again, in a transaction of its own; after its last try it is
``failed``. Only a database that cannot be reached stops delivery, and the
next run (or the next turn of ``--every``) starts again.

Addresses and language are looked up at delivery, not when writing: the
rescoring of a million households writes its messages in bulk, and a phone
number corrected in between is the one that should be used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock, request_ids
from app.db import transaction
from app.models import Account, OutboxMessage, Person
from app.ports import DeliveryFailed, Sender
from app.services.contact_details import phone_on_file

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


# (kind, payload, language) -> (subject, body). The texts are the web layer's.
Composer = Callable[[str, dict[str, Any], str], tuple[str, str]]


def notify(
    db: Session,
    kind: str,
    person: Person,
    *,
    household_id: int | None,
    payload: dict[str, Any],
    channels: tuple[str, ...] = ("sms", "email"),
) -> None:
    """Queue a message for a person, in the caller's transaction: SMS always,
    email when the person gave an address."""
    now = clock.now()
    for channel in channels:
        if channel == "email" and not person.email:
            continue
        db.add(
            OutboxMessage(
                created_at=now,
                kind=kind,
                channel=channel,
                recipient_person_id=person.id,
                household_id=household_id,
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                request_id=request_ids.current(),
            )
        )


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, 8 … after each failure, never more than 6 hours."""
    wait: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(wait, LONGEST_WAIT)


def _address(db: Session, message: OutboxMessage) -> str | None:
    person = db.get(Person, message.recipient_person_id) if message.recipient_person_id else None
    if person is None:
        return None
    if message.channel == "email":
        return person.email
    # Consent codes go to the number chosen when they were made, not to
    # whatever number the file holds when the message leaves.
    pinned = message.payload.get("to_phone")
    return str(pinned) if pinned else phone_on_file(db, person)


def language_of(db: Session, person_id: int | None) -> str:
    """The language the person chose on the portal; Arabic if they never chose."""
    if person_id is None:
        return "ar"
    chosen = db.scalar(
        select(Account.preferred_locale)
        .where(Account.person_id == person_id, Account.preferred_locale.is_not(None))
        .order_by(Account.last_login_at.desc())
        .limit(1)
    )
    return chosen if chosen in ("ar", "fr") else "ar"


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def _claim_one(db: Session, now: datetime) -> OutboxMessage | None:
    return db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def deliver(
    db: Session,
    senders: dict[str, Sender],
    compose: Composer,
    *,
    limit: int | None = None,
) -> DeliveryReport:
    """Send the messages that are due, one transaction each, until none is left.

    The row stays locked while its message is sent, and is marked in the same
    transaction: another worker skips it, and once committed as sent it is
    never picked again.
    """
    report = DeliveryReport()
    while limit is None or report.handled < limit:
        claimed: int | None = None
        try:
            with transaction(db):
                now = clock.now()
                message = _claim_one(db, now)
                if message is None:
                    break
                claimed = message.id
                # Every line logged while it is handled names the request that queued it.
                with request_ids.bound(message.request_id):
                    _deliver_one(db, message, senders, compose, now, report)
        except Exception as error:
            if claimed is None:
                raise  # no message at fault: the database itself
            log.exception("outbox message %s could not be handled", claimed)
            _set_aside(db, claimed, error, report)
    return report


def _set_aside(db: Session, message_id: int, error: Exception, report: DeliveryReport) -> None:
    """A message whose handling failed unexpectedly counts a try and waits, in
    a transaction of its own, so that the messages behind it go on."""
    with transaction(db):
        message = db.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .with_for_update(skip_locked=True)
        )
        if message is None:
            return
        message.attempts += 1
        message.last_error = f"could not be handled: {type(error).__name__}"[:200]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            _forget_code(message)
            report.failed += 1
        else:
            message.next_attempt_at = clock.now() + backoff(message.attempts)
            report.retrying += 1


def _deliver_one(
    db: Session,
    message: OutboxMessage,
    senders: dict[str, Sender],
    compose: Composer,
    now: datetime,
    report: DeliveryReport,
) -> None:
    message.attempts += 1
    address = _address(db, message)
    if address is None:
        message.status, message.last_error = "failed", "no address on file"
        report.failed += 1
        return
    try:
        subject, body = compose(
            message.kind, message.payload, language_of(db, message.recipient_person_id)
        )
    except Exception:  # a message that cannot be written must not block the ones behind it
        log.exception("outbox message %s (%s) has no text", message.id, message.kind)
        message.status, message.last_error = "failed", "no text for this message"
        report.failed += 1
        return
    try:
        senders[message.channel].send(address, subject, body, reference=reference(message))
    except DeliveryFailed as error:
        message.last_error = str(error)[:200]
        if error.permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            _forget_code(message)
            report.failed += 1
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            report.retrying += 1
        log.warning("outbox message %s not delivered (attempt %s)", message.id, message.attempts)
        return
    message.status, message.sent_at, message.last_error = "sent", clock.now(), None
    _forget_code(message)
    report.sent += 1
    log.info("outbox message %s sent by %s (%s)", message.id, message.channel, message.kind)


def reference(message: OutboxMessage) -> str:
    """The message's name at the gateway, the same on every try (``app.ports.Sender``)."""
    return f"rsu-outbox-{message.id}"


def _forget_code(message: OutboxMessage) -> None:
    """One-time codes are not kept once delivered, or once delivery has failed for good."""
    if "code" in message.payload:
        message.payload = {**message.payload, "code": None}


def recent_messages(db: Session, limit: int = 50) -> list[OutboxMessage]:
    """The latest messages, newest first (the development outbox page)."""
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
