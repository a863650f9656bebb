"""The SMS port: a gateway that takes a phone number and a text.

- ``LogSms`` (development, tests): the message goes to the log, with the
  number masked and without its text, since texts may carry one-time codes.
  Developers read texts on the development outbox page.
- ``HttpSms``: the operator's gateway, JSON over HTTPS with a bearer token,
  each message under its outbox reference, so that a message handed over
  again after a worker died is delivered once (``app.ports.Sender``).
"""

from __future__ import annotations

import logging

import requests

from app.ports import DeliveryFailed

log = logging.getLogger(__name__)


# French texts put a no-break space before ":" and "?" (fr catalogue). The
# GSM 7-bit alphabet has no such character: one would switch the whole SMS
# to UCS-2 and halve what fits in it, so SMS get plain spaces.
NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def sms_text(body: str) -> str:
    return body.translate(NO_BREAK_SPACES)


def masked(phone: str) -> str:
    return "•" * max(len(phone) - 4, 0) + phone[-4:]


class LogSms:
    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        log.info("SMS to %s (%s characters)", masked(address), len(sms_text(body)))


class HttpSms:
    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        try:
            answer = requests.post(
                self.url,
                # The reference twice: in the body, where SMS gateways take a
                # client reference, and as the HTTP idempotency key.
                json={"to": address, "text": sms_text(body), "reference": reference},
                headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": reference},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise DeliveryFailed(f"gateway unreachable: {type(error).__name__}") from error
        if answer.status_code >= 300:
            # 4xx other than throttling: the message itself is refused, retrying is useless.
            permanent = 400 <= answer.status_code < 500 and answer.status_code != 429
            raise DeliveryFailed(f"gateway answered {answer.status_code}", permanent=permanent)
